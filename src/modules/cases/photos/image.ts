import sharp from 'sharp';
import type { PhotoFormat } from '../../../db/schema.js';

// libvips keeps recent operations, decoded pixels included, in a cache of its own: residents'
// photos are not kept in memory after their request, and a burst of uploads does not grow it.
sharp.cache(false);

/** The long edge of a stored photo: enough to see a pothole's edges, a fraction of a phone camera's 4,000 px. */
export const PHOTO_LONG_EDGE = 2048;
/** The long edge of a thumbnail, as lists and the duplicates page show it. */
export const THUMBNAIL_LONG_EDGE = 320;
/**
 * Pixels a photo may have before it is refused undecoded: a 50-megapixel phone camera fits, a
 * "decompression bomb" (a small file that claims a huge picture) does not get to allocate memory.
 */
const MAX_INPUT_PIXELS = 70_000_000;

export interface ProcessedPhoto {
  originalFormat: PhotoFormat;
  /** The photo as stored: JPEG, the right way up, at most PHOTO_LONG_EDGE, without EXIF, XMP or ICC comments. */
  image: Buffer;
  width: number;
  height: number;
  thumbnail: Buffer;
}

export type PhotoProblem = 'not-an-image' | 'unreadable-heic';

/** The brands of an ISO base media file (its `ftyp` box) that are HEIF pictures: HEIC from iPhones, and AVIF. */
const heifBrands = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis']);
const hevcBrands = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis']);

/** What the first bytes say the file is; the name and the Content-Type a browser sends are not asked. */
function sniff(bytes: Buffer): { format: PhotoFormat; hevc: boolean } | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return { format: 'jpeg', hevc: false };
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { format: 'png', hevc: false };
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp') {
    const brand = bytes.toString('latin1', 8, 12);
    if (heifBrands.has(brand)) return { format: 'heif', hevc: hevcBrands.has(brand) };
  }
  return undefined;
}

/**
 * Reads a photo by its content and makes what is kept of it: turned upright (by its EXIF
 * orientation, which is then dropped), at most PHOTO_LONG_EDGE on its long edge, as JPEG, with
 * every piece of metadata left behind (sharp writes none unless asked), so a phone's GPS position
 * never reaches the database; and a thumbnail. Anything libvips cannot decode fully is refused.
 */
export async function processPhoto(bytes: Buffer): Promise<ProcessedPhoto | { problem: PhotoProblem }> {
  const sniffed = sniff(bytes);
  if (!sniffed) return { problem: 'not-an-image' };
  // failOn 'error': a truncated or corrupt file is refused rather than stored half grey.
  const input = () => sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
  try {
    const metadata = await input().metadata();
    if (metadata.format !== sniffed.format) return { problem: 'not-an-image' };
    const upright = input()
      .rotate()
      // A transparent PNG becomes a JPEG on white, not on black.
      .flatten({ background: '#ffffff' });
    const { data: image, info } = await upright
      .clone()
      .resize({ width: PHOTO_LONG_EDGE, height: PHOTO_LONG_EDGE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    const thumbnail = await sharp(image)
      .resize({ width: THUMBNAIL_LONG_EDGE, height: THUMBNAIL_LONG_EDGE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 70, mozjpeg: true })
      .toBuffer();
    return { originalFormat: sniffed.format, image, width: info.width, height: info.height, thumbnail };
  } catch {
    // libvips as npm installs it reads AVIF but not HEVC, iPhones' HEIC: worth its own message.
    return { problem: sniffed.hevc ? 'unreadable-heic' : 'not-an-image' };
  }
}
