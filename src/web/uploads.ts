import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isFormRoute, UnusableInputError } from './input-checks.js';

/** A file posted with a form, read whole (it is small: the limit below) and not yet looked at. */
export interface Upload {
  field: string;
  /** As the browser named it: shown back in messages, never trusted for the type. */
  filename: string;
  bytes: Buffer;
  /** Longer than the limit: the bytes are only its first part, and the file is refused. */
  tooLarge: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The files of a multipart form post, on routes that take them (`config.takesUploads`); otherwise none. */
    uploads: Upload[];
  }
  interface FastifyContextConfig {
    /** The route's form may carry files (multipart/form-data); a file sent to any other route is thrown away unread. */
    takesUploads?: boolean;
  }
}

/** The APIs take forms and JSON, as before multipart was parsed at all: a photo goes to them as a media_url. */
class MultipartNotTaken extends Error {
  readonly statusCode = 415;
  readonly code = 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
  constructor() {
    super('multipart/form-data is not taken here: send application/x-www-form-urlencoded or JSON');
    this.name = 'MultipartNotTaken';
  }
}

export interface UploadLimits {
  /** Bytes one file may have. */
  fileBytes: number;
  /** Files one post may carry; more is refused as a whole (400), before any is looked at. */
  files: number;
}

/**
 * Forms with a file input are posted as multipart/form-data. The body is parsed here, into the
 * same fields of text every other form has (so the CSRF check finds `_csrf` where it always does,
 * after parsing and before the handler, and the input checks see text), and the files into
 * `request.uploads`. A file over the limit is cut off and marked, for the page to say so beside
 * the field; a body that is not multipart at all (truncated, a broken boundary, too many parts) is
 * a 400, never a 500. The JSON and Open311 APIs take no multipart bodies.
 */
export async function registerUploads(app: FastifyInstance, limits: UploadLimits): Promise<void> {
  await app.register(multipart, {
    // Not thrown: a file too large is a message beside the field, not an error page.
    throwFileSizeLimit: false,
    limits: { fileSize: limits.fileBytes, files: limits.files, fields: 200, parts: 250, fieldSize: 1024 * 1024 },
  });
  app.decorateRequest('uploads', {
    getter(this: FastifyRequest & { storedUploads?: Upload[] }) {
      return this.storedUploads ?? [];
    },
  });
  app.addHook('preValidation', async (request) => {
    if (!request.isMultipart()) return;
    const { url, method } = request.routeOptions;
    if (!url) return;
    if (!isFormRoute({ url, method })) throw new MultipartNotTaken();
    const takesUploads = request.routeOptions.config.takesUploads === true;
    const body: Record<string, string | string[]> = Object.create(null);
    const uploads: Upload[] = [];
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (!takesUploads) {
            part.file.resume();
            continue;
          }
          const bytes = await part.toBuffer();
          // A file input left empty is still sent, as a part with no name and no bytes.
          if (part.filename === '' && bytes.length === 0) continue;
          uploads.push({ field: part.fieldname, filename: part.filename, bytes, tooLarge: part.file.truncated });
        } else {
          const value = typeof part.value === 'string' ? part.value : String(part.value);
          const earlier = body[part.fieldname];
          body[part.fieldname] = earlier === undefined ? value : [earlier, value].flat();
        }
      }
    } catch {
      throw new UnusableInputError(
        'invalid_multipart',
        'The form could not be read: it was cut off or too large. Go back and try again.',
      );
    }
    request.body = { ...body };
    (request as FastifyRequest & { storedUploads?: Upload[] }).storedUploads = uploads;
  });
}
