import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { recordAudit, type AuditEvent } from '../../audit/service.js';
import type { Actor, StaffActor } from '../../../shared/actor.js';
import { hasCapability } from '../../identity/policy.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { hashToken } from '../../identity/secrets.js';
import { createOpen311Repository, type Open311Repository } from './repository.js';

/** An Open311 client, known by its key. A back office belongs to one member organisation. */
export interface ApiClient {
  id: number;
  name: string;
  organisationId: number | null;
}

/** How an API client appears in the audit log. */
export function apiClientActor(client: ApiClient): AuditEvent['actor'] {
  return { kind: 'api_client', id: client.id, label: `Open311 client ${client.name}` };
}

/** A new key: 32 random bytes, readable as such. Only its SHA-256 is kept, and its last 4 characters to tell keys apart. */
export function newApiKey(): { key: string; hash: string; hint: string } {
  const key = `shk_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashToken(key), hint: key.slice(-4) };
}

export interface NewApiClient {
  name: string;
  organisationId: number | null;
}

/**
 * Issues a key and records who did, in one transaction. Used by the staff pages and by
 * `npm run open311:key`; the key is returned once and never stored.
 */
export async function issueApiKey(
  db: Kysely<Database>,
  input: NewApiClient & { createdByStaffId: number | null },
  auditActor: AuditEvent['actor'],
  now: Date,
): Promise<{ id: number; key: string }> {
  const repository = createOpen311Repository(db);
  const { key, hash, hint } = newApiKey();
  const id = await db.transaction().execute(async (trx) => {
    const clientId = await repository.insertClient(trx, {
      name: input.name,
      key_hash: hash,
      key_hint: hint,
      organisation_id: input.organisationId,
      created_by_staff_id: input.createdByStaffId,
    });
    await recordAudit(
      trx,
      {
        actor: auditActor,
        action: 'create',
        recordType: 'api_client',
        recordId: clientId,
        detail: { name: input.name, organisationId: input.organisationId, keyHint: hint },
      },
      now,
    );
    return clientId;
  });
  return { id, key };
}

export interface ApiKeyServiceDependencies {
  db: Kysely<Database>;
  repository: Open311Repository;
  clock: () => Date;
  /** The partnership's members: a back office belongs to one of them. */
  memberOrganisationIds: () => Promise<number[]>;
}

/** API keys are a partnership-wide power: they let a system create requests for every member. */
function requireKeyManager(actor: Actor): StaffActor {
  if (!hasCapability(actor, 'apiKeys.manage')) throw new ForbiddenError();
  return actor;
}

export function createApiKeyService({ db, repository, clock, memberOrganisationIds }: ApiKeyServiceDependencies) {
  return {
    async list(actor: Actor) {
      requireKeyManager(actor);
      return repository.listClients();
    },

    /** The organisations a key may be the back office of. */
    async organisationOptions(actor: Actor) {
      requireKeyManager(actor);
      return repository.organisations(await memberOrganisationIds());
    },

    async issue(actor: Actor, input: NewApiClient): Promise<{ id: number; key: string }> {
      const staff = requireKeyManager(actor);
      if (input.organisationId !== null && !(await memberOrganisationIds()).includes(input.organisationId))
        throw new ForbiddenError();
      return issueApiKey(db, { ...input, createdByStaffId: staff.staffId }, staff, clock());
    },

    async find(actor: Actor, id: number) {
      requireKeyManager(actor);
      const client = await repository.findClient(id);
      if (!client) throw new NotFoundError();
      return client;
    },

    /** Revokes a key at once: its next request is refused. Revoking twice changes nothing. */
    async revoke(actor: Actor, id: number): Promise<void> {
      const staff = requireKeyManager(actor);
      if (!(await repository.findClient(id))) throw new NotFoundError();
      const now = clock();
      await db.transaction().execute(async (trx) => {
        if (await repository.revokeClient(trx, id, now))
          await recordAudit(trx, { actor: staff, action: 'revoke', recordType: 'api_client', recordId: id }, now);
      });
    },

    /** The client a key belongs to, if the key is one we issued and it is not revoked. */
    async authenticate(key: string | undefined): Promise<ApiClient | undefined> {
      if (!key) return undefined;
      const row = await repository.findActiveClientByHash(hashToken(key));
      return row ? { id: row.id, name: row.name, organisationId: row.organisation_id } : undefined;
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
