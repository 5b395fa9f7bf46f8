import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PHOTO_LONG_EDGE, THUMBNAIL_LONG_EDGE, processPhoto } from '../../../src/modules/cases/photos/image.js';
import { heifBytes, jpegBytes, jpegWithLocation, pngBytes, textPretendingToBeJpeg } from '../../support/images.js';

/** Whether EXIF holds a pointer to GPS data (tag 0x8825, in either byte order). */
function hasGps(exif: Buffer | undefined): boolean {
  if (!exif) return false;
  return exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]));
}

describe('a photo, read by its content', () => {
  it('takes a JPEG and keeps it as a JPEG of its own size when it is small enough', async () => {
    const result = await processPhoto(await jpegBytes(800, 600));
    if ('problem' in result) throw new Error(result.problem);
    expect(result.originalFormat).toBe('jpeg');
    expect([result.width, result.height]).toEqual([800, 600]);
    const stored = await sharp(result.image).metadata();
    expect(stored.format).toBe('jpeg');
    expect([stored.width, stored.height]).toEqual([800, 600]);
  });

  it('takes a PNG and a HEIF that libvips reads, storing both as JPEG', async () => {
    for (const [bytes, format] of [
      [await pngBytes(), 'png'],
      [await heifBytes(), 'heif'],
    ] as const) {
      const result = await processPhoto(bytes);
      if ('problem' in result) throw new Error(`${format}: ${result.problem}`);
      expect(result.originalFormat).toBe(format);
      expect((await sharp(result.image).metadata()).format).toBe('jpeg');
    }
  });

  it('refuses text named .jpg: the bytes decide, not the name or the Content-Type', async () => {
    expect(await processPhoto(textPretendingToBeJpeg)).toEqual({ problem: 'not-an-image' });
  });

  it('refuses a file that starts like a JPEG but is not one', async () => {
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), textPretendingToBeJpeg]);
    expect(await processPhoto(fake)).toEqual({ problem: 'not-an-image' });
  });

  it('says a HEIC photo it cannot decode is a HEIC, so the resident can be told what to do', async () => {
    // The HEIF box of an iPhone photo, with nothing the HEVC decoder (absent from prebuilt libvips) could read.
    const header = Buffer.from('000000186674797068656963000000006d696631686569630000', 'hex');
    const result = await processPhoto(Buffer.concat([header, Buffer.alloc(200, 7)]));
    expect(result).toEqual({ problem: 'unreadable-heic' });
  });

  it('strips EXIF, the GPS position with it', async () => {
    const original = await jpegWithLocation();
    expect(hasGps((await sharp(original).metadata()).exif)).toBe(true);
    const result = await processPhoto(original);
    if ('problem' in result) throw new Error(result.problem);
    for (const stored of [result.image, result.thumbnail]) {
      const metadata = await sharp(stored).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(hasGps(metadata.exif)).toBe(false);
      expect(stored.includes(Buffer.from('Pothole 3000'))).toBe(false);
    }
  });

  it(`resizes a 4,000 × 3,000 photo to ${PHOTO_LONG_EDGE} px on its long edge, with a ${THUMBNAIL_LONG_EDGE} px thumbnail`, async () => {
    const original = await jpegBytes(4000, 3000);
    const started = performance.now();
    const result = await processPhoto(original);
    const took = performance.now() - started;
    if ('problem' in result) throw new Error(result.problem);
    expect([result.width, result.height]).toEqual([2048, 1536]);
    const thumbnail = await sharp(result.thumbnail).metadata();
    expect([thumbnail.width, thumbnail.height]).toEqual([320, 240]);
    expect(result.image.length).toBeLessThan(original.length);
    console.log(
      `4000×3000 JPEG of ${original.length} bytes → ${result.image.length} bytes (2048×1536) + ${result.thumbnail.length} bytes thumbnail in ${Math.round(took)} ms`,
    );
  });

  it('turns a photo taken on its side the right way up before the orientation tag goes', async () => {
    const sideways = await sharp(await jpegBytes(600, 400))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const result = await processPhoto(sideways);
    if ('problem' in result) throw new Error(result.problem);
    expect([result.width, result.height]).toEqual([400, 600]);
    expect((await sharp(result.image).metadata()).orientation).toBeUndefined();
  });
});
