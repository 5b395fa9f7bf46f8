import sharp from 'sharp';

/** A photo-like picture of the given size: a gradient, so it compresses like a real photo rather than to nothing. */
async function picture(width: number, height: number) {
  const channels = 3;
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * channels;
      pixels[at] = (x * 255) / width;
      pixels[at + 1] = (y * 255) / height;
      pixels[at + 2] = ((x ^ y) & 0xff) / 2;
    }
  return sharp(pixels, { raw: { width, height, channels } });
}

export async function jpegBytes(width = 800, height = 600): Promise<Buffer> {
  return (await picture(width, height)).jpeg({ quality: 90 }).toBuffer();
}

export async function pngBytes(width = 400, height = 300): Promise<Buffer> {
  return (await picture(width, height)).png().toBuffer();
}

/** HEIF as sharp's own libvips writes it (AV1 inside: the prebuilt libvips has no HEVC codec). */
export async function heifBytes(width = 400, height = 300): Promise<Buffer> {
  return (await picture(width, height)).heif({ compression: 'av1', quality: 60 }).toBuffer();
}

/** A JPEG carrying EXIF with a GPS position (Matlock, 53.138 N 1.556 W) and a camera model. */
export async function jpegWithLocation(width = 800, height = 600): Promise<Buffer> {
  return (await picture(width, height))
    .withExif({
      IFD0: { Make: 'Shirehall Test Camera', Model: 'Pothole 3000' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '53/1 8/1 1680/100',
        GPSLongitudeRef: 'W',
        GPSLongitude: '1/1 33/1 2160/100',
      },
    })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Text in a file named as a photo: what a wrong file, or someone testing the upload, sends. */
export const textPretendingToBeJpeg = Buffer.from('This is not a photo, whatever its name says.\n'.repeat(20));
