/** A photo file may be this large as uploaded: a phone's full-size JPEG or HEIC fits, with room. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** Photos one form may add; a case may gather more over its updates. */
export const MAX_PHOTOS_PER_FORM = 5;

/**
 * What the multipart parser lets through before any file is looked at. One file more than a form
 * takes is let through so that the page can say "select up to 5" beside the field; beyond that the
 * post is refused whole.
 */
export const photoUploadLimits = { fileBytes: MAX_PHOTO_BYTES, files: MAX_PHOTOS_PER_FORM + 1 };

/** The field every photo input is named. */
export const PHOTO_FIELD = 'photos';
