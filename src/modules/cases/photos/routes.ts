import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseIdParam } from '../../identity/schemas.js';
import { casePaths } from '../paths.js';
import type { CasePhotos, PhotoVariant } from './service.js';

type PhotoRequest = FastifyRequest<{ Params: { id: string } }>;

/** The one way to a photo's bytes: through the service's check of who may see it. */
export function registerPhotoRoutes(app: FastifyInstance, photos: CasePhotos): void {
  const serve = (variant: PhotoVariant) => async (request: PhotoRequest, reply: FastifyReply) => {
    const { bytes, isPublic } = await photos.read(request.actor, parseIdParam(request.params), variant);
    return (
      reply
        .type('image/jpeg')
        // A photo not everyone may see must not sit in a shared cache, nor in the browser after sign-out.
        .header('cache-control', isPublic ? 'public, max-age=3600' : 'private, no-store')
        .header('content-disposition', 'inline')
        .send(bytes)
    );
  };
  app.get(casePaths.photo.pattern, serve('image'));
  app.get(casePaths.photoThumbnail.pattern, serve('thumbnail'));
}
