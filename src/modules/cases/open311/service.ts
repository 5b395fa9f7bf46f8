import type { Kysely, Transaction } from 'kysely';
import type { CaseStatus, ClosureReason, Database } from '../../../db/schema.js';
import { refreshing } from '../../../shared/cache.js';
import { formatDay } from '../../../shared/dates.js';
import { recordAudit } from '../../audit/service.js';
import { anonymous } from '../../../shared/actor.js';
import type { Place, PlacesService } from '../../places/service.js';
import type { CaseService, CreatedCase, NewRequest } from '../core/case-service.js';
import type { Config } from '../../../config.js';
import type { CatalogueService } from '../catalogue/service.js';
import type { CaseRepository } from '../core/case-repository.js';
import type { CasePhotos } from '../photos/service.js';
import {
  Open311Error,
  endOfDay,
  open311Document,
  parseW3cDateTime,
  w3cDateTime,
  type Open311Format,
} from './format.js';
import { apiClientActor, type ApiClient, type ApiKeyService } from './keys.js';
import type { Open311Repository, Open311Viewer } from './repository.js';
import { attributesOf, descriptionsOf, newRequestSchema, newUpdateSchema, type NewRequestInput } from './schemas.js';
import { clientMayUpdate, type ApiClientWorkflow } from './updates.js';
import { roundCoordinate } from '../core/public-requests.js';
import { postcodeDistrict } from '../../places/postcode.js';

/** A response made once and sent as it is: what an idempotent POST saves and replays. */
export interface Rendered {
  status: number;
  type: string;
  body: string;
}

export interface Idempotency {
  key: string;
  /** SHA-256 of what was posted: the same key with another request is refused. */
  hash: string;
}

/**
 * What a POST does inside the transaction that makes its change, so that the change, its audit
 * entry and (with an Idempotency-Key) its saved response are one commit: all of them or none.
 */
type Remember = (trx: Transaction<Database>, response: Rendered) => Promise<void>;

/** Where a POST came from and to which endpoint, for its audit entry. */
export interface PostOrigin {
  endpoint: 'requests' | 'servicerequestupdates';
  ipAddress: string;
}

/** When what this endpoint answers last changed, as discovery tells its clients. */
const CHANGESET = '2026-11-26T00:00:00+00:00';
/** The most a list answers with, as most GeoReport servers limit theirs. */
export const MAX_RESULTS = 1000;
/** Without dates, requests from the last 90 days (the spec's default window) and updates from the last day. */
const DEFAULT_REQUEST_DAYS = 90;
const DEFAULT_UPDATE_HOURS = 24;

const openStatuses: CaseStatus[] = ['open', 'acknowledged', 'in_progress'];
const closedStatuses: CaseStatus[] = ['resolved', 'closed'];

/** Our statuses in FixMyStreet's extended set, lower case, as updates carry them. */
const updateStatuses: Record<CaseStatus, string> = {
  open: 'open',
  acknowledged: 'investigating',
  in_progress: 'in_progress',
  resolved: 'fixed',
  closed: 'closed',
};
const closureStatuses: Record<ClosureReason, string> = {
  no_further_action: 'no_further_action',
  not_our_responsibility: 'not_councils_responsibility',
  duplicate: 'duplicate',
};

interface Member {
  id: number;
  name: string;
  gss: string | null;
  /** The host of its homepage without "www.": derbyshiredales.gov.uk. */
  domain: string | null;
}

interface Jurisdiction {
  members: Member[];
  /** Set when jurisdiction_id named one member: then only its services and requests. */
  only: Member | null;
}

/** The keyword by which FixMyStreet knows a service whose reports it must not show publicly. */
const PRIVATE_KEYWORD = 'private';

/** How long a process trusts its copy of the members' names and web domains (an administrator may edit them). */
const MEMBER_DETAILS_MAX_AGE_MS = 60_000;

/** Thrown inside the case's transaction when the Idempotency-Key was saved meanwhile: nothing is kept. */
class AlreadyRemembered extends Error {}

export interface Open311ServiceDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  config: Pick<Config, 'partnership' | 'publicUrl' | 'environment' | 'open311PostsPerMinute'>;
  partnershipName: string;
  catalogue: CatalogueService;
  places: PlacesService;
  cases: CaseService;
  caseRepository: CaseRepository;
  photos: CasePhotos;
  memberOrganisationIds: () => Promise<number[]>;
  keys: ApiKeyService;
  repository: Open311Repository;
  clientWorkflow: ApiClientWorkflow;
}

function domainOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return null;
  }
}

/** May this caller read what was written on the request: it sent it, or it is the back office of the council that has it. */
function mayReadWords(
  viewer: Open311Viewer,
  row: { created_by_api_client_id: number | null; organisation_id: number },
): boolean {
  return (
    (viewer.clientId !== null && row.created_by_api_client_id === viewer.clientId) ||
    (viewer.organisationId !== null && row.organisation_id === viewer.organisationId)
  );
}

/** A back office sees its organisation's current cases, not those it sent that went elsewhere; another client, those it sent. */
function viewerOf(client: ApiClient | undefined): Open311Viewer {
  return {
    clientId: client && client.organisationId === null ? client.id : null,
    organisationId: client?.organisationId ?? null,
  };
}

function dateParameter(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = parseW3cDateTime(value);
  if (!date) throw new Open311Error(400, `${name} must be a W3C datetime, like 2026-11-26T09:30:00Z or 2026-11-26`);
  return date;
}

/**
 * Open311 GeoReport v2 over the combined CRM: the catalogue as services, cases as requests, their
 * public timeline as updates. What residents wrote, and what staff wrote to them, goes only to the
 * client that sent the request or the back office of the council that has it; everyone else sees
 * public requests' kind, place, dates and status.
 */
export function createOpen311Service(deps: Open311ServiceDependencies) {
  const { db, catalogue, places, clock, config, keys, repository, clientWorkflow } = deps;

  // Every call names its jurisdiction, so the members' names and domains are held for a while; a
  // change of members (which the partnership's port shows at once) loads them again.
  // The partnership's port answers the same array until the members change.
  let memberIds: number[] = [];
  const memberDetails = refreshing(async () => {
    const organisations = await repository.organisations(memberIds);
    return organisations.map((organisation) => ({
      id: organisation.id,
      name: organisation.name,
      gss: organisation.gss,
      domain: domainOf(organisation.homepage_url),
    }));
  }, MEMBER_DETAILS_MAX_AGE_MS);

  async function members(): Promise<Member[]> {
    const ids = await deps.memberOrganisationIds();
    if (ids !== memberIds) {
      memberIds = ids;
      memberDetails.invalidate();
    }
    return memberDetails.get();
  }

  /** No jurisdiction_id (or the partnership's own slug): the whole partnership. A member's GSS code or web domain: that member. */
  async function jurisdiction(id: string | undefined): Promise<Jurisdiction> {
    const all = await members();
    if (!id) return { members: all, only: null };
    const wanted = id
      .trim()
      .toLowerCase()
      .replace(/^www\./, '');
    if (wanted === config.partnership) return { members: all, only: null };
    const member = all.find((candidate) => candidate.gss?.toLowerCase() === wanted || candidate.domain === wanted);
    if (!member) {
      const example = all.find((candidate) => candidate.gss && candidate.domain);
      const hint = example ? `, such as ${example.gss} or ${example.domain}` : '';
      throw new Open311Error(
        404,
        `jurisdiction_id ${id} is not a member of this partnership: leave it out for the whole partnership, or give a member council's GSS code or web domain${hint}`,
      );
    }
    return { members: all, only: member };
  }

  const organisationIds = (scope: Jurisdiction) =>
    scope.only ? [scope.only.id] : scope.members.map((member) => member.id);

  async function requestsBy(
    filter: Omit<Parameters<Open311Repository['requests']>[0], 'limit' | 'viewer'>,
    client: ApiClient | undefined,
  ) {
    const viewer = viewerOf(client);
    const rows = await repository.requests({ ...filter, viewer, limit: MAX_RESULTS });
    const ids = rows.map((row) => row.id);
    const [photoOf, linkOf] = await Promise.all([deps.photos.firstPublicOf(ids), deps.photos.firstMediaLinkOf(ids)]);
    /** The first photo anyone may see; else, to the client that sent it or the back office, the link sent with it. */
    const mediaUrlOf = (caseId: number, detail: boolean) => {
      const photo = photoOf.get(caseId);
      if (photo !== undefined) return deps.photos.absoluteUrl(photo);
      return detail ? (linkOf.get(caseId) ?? null) : null;
    };
    return rows.map((row) => {
      const detail = mayReadWords(viewer, row);
      return {
        service_request_id: row.reference,
        status: openStatuses.includes(row.status) ? 'open' : 'closed',
        status_notes: detail ? row.status_notes : null,
        service_name: row.service_name,
        service_code: row.service_code,
        description: detail ? row.description : null,
        agency_responsible: row.organisation_name,
        service_notice: null,
        requested_datetime: w3cDateTime(row.created_at),
        updated_datetime: w3cDateTime(row.updated_at),
        expected_datetime: endOfDay(row.due_on),
        // Others get what the public map shows: the place to about 10 m, the postcode's district.
        address: detail ? row.location_description || row.postcode : postcodeDistrict(row.postcode),
        address_id: null,
        zipcode: detail ? row.postcode : postcodeDistrict(row.postcode),
        lat: detail ? row.latitude : roundCoordinate(row.latitude),
        long: detail ? row.longitude : roundCoordinate(row.longitude),
        media_url: mediaUrlOf(row.id, detail),
      };
    });
  }

  /** Where the request is: a point, or a postcode in address_string. A point wins, and the address then describes the spot. */
  async function locate(input: NewRequestInput): Promise<{ place: Place; locationDescription: string }> {
    if (input.lat !== undefined && input.long !== undefined) {
      const found = await places.findByPoint(input.lat, input.long);
      if (found.outcome !== 'found')
        throw new Open311Error(
          400,
          `lat ${input.lat}, long ${input.long} is not in England: we can only take requests for places in England`,
        );
      return { place: found.place, locationDescription: input.address_string ?? '' };
    }
    if (input.address_string) {
      const found = await places.findByPostcode(input.address_string);
      if (found.outcome === 'malformed')
        throw new Open311Error(400, 'address_string must be a postcode, like DE4 3AG; or send lat and long');
      if (found.outcome === 'unknown')
        throw new Open311Error(400, `We do not know the postcode ${found.postcode}: check it, or send lat and long`);
      if (found.outcome === 'outside-england')
        throw new Open311Error(
          400,
          `${found.postcode} is not in England: we can only take requests for places in England`,
        );
      return { place: found.place, locationDescription: '' };
    }
    if (input.address_id)
      throw new Open311Error(
        400,
        'We cannot look up an address_id: send lat and long, or a postcode in address_string',
      );
    throw new Open311Error(400, 'Say where the problem is: send lat and long, or a postcode in address_string');
  }

  async function remembered(client: ApiClient, idempotency: Idempotency): Promise<Rendered | undefined> {
    const stored = await repository.findRemembered(client.id, idempotency.key);
    if (!stored) return undefined;
    if (stored.request_hash !== idempotency.hash) {
      throw new Open311Error(
        409,
        `Idempotency-Key ${idempotency.key} was first used for a different request: use a new key for a new request`,
      );
    }
    return { status: stored.response_status, type: stored.response_type, body: stored.response_body };
  }

  /**
   * Runs a POST once per Idempotency-Key: a retry gets the first response; a concurrent duplicate
   * finds the key saved when it tries to save its own, so its transaction (and its case) is undone.
   * Refusals are not saved: a retry of a refused request is judged again.
   */
  function postAudit(client: ApiClient, origin: PostOrigin, detail: Record<string, unknown>) {
    return {
      actor: apiClientActor(client),
      action: 'open311-post',
      recordType: 'open311',
      detail: { endpoint: origin.endpoint, ...detail },
      ipAddress: origin.ipAddress,
    };
  }

  /**
   * Runs a POST once: a retry with the same Idempotency-Key is answered from the saved response (and
   * audited as a replay); otherwise the change, its audit entry and its saved response commit together.
   */
  async function once(
    client: ApiClient,
    origin: PostOrigin,
    idempotency: Idempotency | undefined,
    work: (remember: Remember) => Promise<Rendered>,
  ): Promise<Rendered> {
    const replay = async (response: Rendered) => {
      await recordAudit(
        db,
        postAudit(client, origin, {
          status: response.status,
          idempotencyKey: idempotency?.key ?? null,
          replayed: true,
        }),
        clock(),
      );
      return response;
    };
    const earlier = idempotency && (await remembered(client, idempotency));
    if (earlier) return replay(earlier);
    try {
      return await work(async (trx, response) => {
        if (idempotency) {
          const saved = await repository.remember(trx, {
            api_client_id: client.id,
            key: idempotency.key,
            request_hash: idempotency.hash,
            response_status: response.status,
            response_type: response.type,
            response_body: response.body,
          });
          if (!saved) throw new AlreadyRemembered();
        }
        await recordAudit(
          trx,
          postAudit(client, origin, {
            status: response.status,
            idempotencyKey: idempotency?.key ?? null,
            replayed: false,
          }),
          clock(),
        );
      });
    } catch (error) {
      if (!(error instanceof AlreadyRemembered)) throw error;
      const first = idempotency && (await remembered(client, idempotency));
      if (!first) throw error;
      return replay(first);
    }
  }

  async function makeRequest(
    client: ApiClient,
    body: Record<string, unknown>,
    format: Open311Format,
    remember: Remember,
  ): Promise<Rendered> {
    const parsed = newRequestSchema.safeParse(body);
    if (!parsed.success) throw new Open311Error(400, descriptionsOf(parsed.error));
    const input = parsed.data;
    const scope = await jurisdiction(input.jurisdiction_id);
    const { place, locationDescription } = await locate(input);

    const routing = await catalogue.route(input.service_code, place);
    if (routing.outcome === 'unknown-kind')
      throw new Open311Error(400, `service_code ${input.service_code} is not one of our services: see services.xml`);
    if (routing.outcome === 'not-a-member') {
      throw new Open311Error(
        400,
        `${routing.provider.name} deals with this there, and is not part of this partnership: send it to them${routing.provider.homepageUrl ? ` (${routing.provider.homepageUrl})` : ''}`,
      );
    }
    if (routing.outcome === 'not-offered')
      throw new Open311Error(
        400,
        `${routing.provider.name} deals with this there, but does not take it through this service`,
      );
    if (scope.only && routing.provider.id !== scope.only.id) {
      const other = routing.provider.gss ? ` (jurisdiction_id ${routing.provider.gss})` : '';
      throw new Open311Error(
        400,
        `${routing.provider.name}${other} deals with ${routing.requestType.name.toLowerCase()} reports at that place, not ${scope.only.name}: send it to them, or leave out jurisdiction_id`,
      );
    }

    const request: NewRequest = {
      serviceCode: input.service_code,
      place,
      locationDescription,
      description: input.description ?? '',
      answers: attributesOf(body),
      channel: 'open311',
      contact: {
        name: [input.first_name, input.last_name].filter(Boolean).join(' ') || null,
        email: input.email ?? null,
        phone: input.phone ?? null,
      },
      citizenId: null,
      apiClientId: client.id,
    };
    const responseFor = (newCase: CreatedCase): Rendered => ({
      status: 201,
      ...open311Document(format, 'service_requests', [
        {
          service_request_id: newCase.reference,
          service_notice: `${routing.provider.name} has it and aims to deal with it by ${formatDay(newCase.dueOn)}. Its reference is ${newCase.reference}.`,
          account_id: input.account_id ?? null,
        },
      ]),
    });

    // With an Idempotency-Key the response is saved in the case's own transaction, so the case
    // exists exactly when its saved response does.
    const result = await deps.cases.submit(anonymous, request, {
      routing,
      withinTransaction: async (trx, created) => {
        if (input.media_url) await deps.photos.addMediaLink(trx, created.caseId, input.media_url);
        await remember(trx, responseFor(created));
      },
    });
    switch (result.outcome) {
      case 'created':
        return responseFor(result);
      case 'invalid-answers':
        throw new Open311Error(
          400,
          Object.entries(result.errors).map(([code, message]) => `attribute[${code}]: ${message}`),
        );
      case 'not-a-member':
      case 'not-offered':
        throw new Open311Error(400, `${result.providerName} deals with this there: send it to them`);
      case 'unknown-kind':
        throw new Open311Error(400, `service_code ${input.service_code} is not one of our services: see services.xml`);
      default:
        throw new Open311Error(400, 'This request cannot be taken through Open311');
    }
  }

  async function makeUpdate(
    client: ApiClient,
    body: Record<string, unknown>,
    format: Open311Format,
    remember: Remember,
  ): Promise<Rendered> {
    const parsed = newUpdateSchema.safeParse(body);
    if (!parsed.success) throw new Open311Error(400, descriptionsOf(parsed.error));
    const input = parsed.data;
    dateParameter('updated_datetime', input.updated_datetime);
    const scope = await jurisdiction(input.jurisdiction_id);
    const record = await deps.caseRepository.findByReference(input.service_request_id.toUpperCase());
    // A request the client may not even see is not found; one it may see but not change is 403 (in apply).
    // In the jurisdiction: its councils' now, or sent there by this client and transferred since.
    const visible =
      record &&
      (organisationIds(scope).includes(record.organisation_id) || record.created_by_api_client_id === client.id) &&
      (record.is_public || clientMayUpdate(client, record));
    if (!record || !visible)
      throw new Open311Error(404, `There is no request ${input.service_request_id} that we can show you`);

    const responseFor = (updateId: number): Rendered => ({
      status: 201,
      ...open311Document(format, 'service_request_updates', [{ update_id: String(updateId) }]),
    });
    const updateId = await clientWorkflow.apply(
      client,
      record.id,
      { status: input.status, description: input.description },
      (trx, id) => remember(trx, responseFor(id)),
    );
    return responseFor(updateId);
  }

  return {
    jurisdiction,

    async discovery() {
      const { partnershipName } = deps;
      const changeset = CHANGESET;
      return {
        changeset,
        contact: `${partnershipName}: ${config.publicUrl}`,
        key_service: `API keys are issued by ${partnershipName}'s administrators: ask them for one`,
        endpoints: [
          {
            specification: 'http://wiki.open311.org/GeoReport_v2',
            url: `${config.publicUrl}/open311/v2`,
            changeset,
            type: config.environment === 'production' ? 'production' : 'test',
            formats: ['text/xml', 'application/json'],
          },
        ],
      };
    },

    async services(jurisdictionId: string | undefined) {
      const types = await repository.typesWithQuestions(organisationIds(await jurisdiction(jurisdictionId)));
      const kinds = new Map<string, { first: (typeof types)[number]; metadata: boolean; keywords: Set<string> }>();
      for (const type of types) {
        const kind = kinds.get(type.service_code) ?? { first: type, metadata: false, keywords: new Set<string>() };
        kind.metadata ||= type.questions.length > 0;
        for (const word of type.keywords.split(/\s+/).filter(Boolean)) kind.keywords.add(word);
        // FixMyStreet keeps reports of a service whose keywords include "private" off its public site:
        // one member's copy that is not shown publicly makes the whole service private.
        if (!type.public_on_map) kind.keywords.add(PRIVATE_KEYWORD);
        kinds.set(type.service_code, kind);
      }
      return [...kinds.values()]
        .sort(
          (a, b) => a.first.group_name.localeCompare(b.first.group_name) || a.first.name.localeCompare(b.first.name),
        )
        .map(({ first, metadata, keywords }) => ({
          service_code: first.service_code,
          service_name: first.name,
          description: first.description,
          metadata,
          type: 'realtime',
          // FixMyStreet splits the list on "," and does not trim, so no space follows the commas.
          keywords: [...keywords].join(','),
          group: first.group_name,
        }));
    },

    /**
     * A service's attributes. Across the partnership each member's copy of a type may ask a little
     * differently: the definition is all their questions, required where any member requires it,
     * so that a request that follows it is accepted wherever it is routed.
     */
    async serviceDefinition(serviceCode: string, jurisdictionId: string | undefined) {
      const scope = await jurisdiction(jurisdictionId);
      const types = (await repository.typesWithQuestions(organisationIds(scope))).filter(
        (type) => type.service_code === serviceCode,
      );
      if (types.length === 0)
        throw new Open311Error(
          404,
          `service_code ${serviceCode} is not a service of ${scope.only?.name ?? 'this partnership'}: see services.xml`,
        );
      const attributes = new Map<string, (typeof types)[number]['questions'][number]>();
      for (const question of types.flatMap((type) => type.questions)) {
        const known = attributes.get(question.code);
        if (!known) {
          attributes.set(question.code, { ...question, options: [...question.options] });
          continue;
        }
        known.required ||= question.required;
        for (const option of question.options)
          if (!known.options.some((existing) => existing.key === option.key)) known.options.push(option);
      }
      return {
        service_code: serviceCode,
        attributes: [...attributes.values()].map((question, index) => ({
          variable: true,
          code: question.code,
          datatype: question.datatype,
          required: question.required,
          datatype_description: question.hint || null,
          order: index + 1,
          description: question.label,
          values: question.datatype.endsWith('list')
            ? question.options.map((option) => ({ key: option.key, name: option.name }))
            : undefined,
        })),
      };
    },

    async requests(
      query: {
        jurisdiction_id?: string;
        service_request_id?: string[];
        service_code?: string[];
        start_date?: string;
        end_date?: string;
        status?: string[];
      },
      client: ApiClient | undefined,
    ) {
      const scope = await jurisdiction(query.jurisdiction_id);
      // The spec: a list of ids overrides every other filter.
      if (query.service_request_id)
        return requestsBy(
          {
            organisationIds: organisationIds(scope),
            references: query.service_request_id.map((id) => id.toUpperCase()),
          },
          client,
        );
      const to = dateParameter('end_date', query.end_date);
      let from = dateParameter('start_date', query.start_date);
      if (from && to && from > to) throw new Open311Error(400, 'start_date must be before end_date');
      if (!from && !to) from = new Date(clock().getTime() - DEFAULT_REQUEST_DAYS * 86_400_000);
      const wanted = query.status?.map((status) => status.toLowerCase());
      const statuses = wanted
        ? [...(wanted.includes('open') ? openStatuses : []), ...(wanted.includes('closed') ? closedStatuses : [])]
        : undefined;
      return requestsBy(
        { organisationIds: organisationIds(scope), serviceCodes: query.service_code, statuses, from, to },
        client,
      );
    },

    async request(id: string, jurisdictionId: string | undefined, client: ApiClient | undefined) {
      const scope = await jurisdiction(jurisdictionId);
      const found = await requestsBy(
        { organisationIds: organisationIds(scope), references: [id.toUpperCase()] },
        client,
      );
      if (found.length === 0) throw new Open311Error(404, `There is no request ${id} that we can show you`);
      return found;
    },

    /** We make every request at once, so no token is ever issued: a request's id is its own token. */
    async token(token: string, jurisdictionId: string | undefined, client: ApiClient | undefined) {
      const [found] = await this.request(token, jurisdictionId, client);
      return [{ service_request_id: found.service_request_id, token }];
    },

    async updates(
      query: { jurisdiction_id?: string; start_date?: string; end_date?: string },
      client: ApiClient | undefined,
    ) {
      const scope = await jurisdiction(query.jurisdiction_id);
      const now = clock();
      const end = dateParameter('end_date', query.end_date);
      const start = dateParameter('start_date', query.start_date);
      if (start && end && start > end) throw new Open311Error(400, 'start_date must be before end_date');
      const to = end ?? now;
      const from = start ?? new Date(to.getTime() - DEFAULT_UPDATE_HOURS * 3_600_000);
      const viewer = viewerOf(client);
      const rows = await repository.updates({
        organisationIds: organisationIds(scope),
        viewer,
        from,
        to,
        limit: MAX_RESULTS,
      });
      const photoOf = await deps.photos.firstPublicOfEvents(rows.map((row) => row.id));
      return rows.map((row) => {
        const status = (row.status_then ?? 'open') as CaseStatus;
        const photo = photoOf.get(row.id);
        const closedWhy =
          status === 'closed' && row.case_status === 'closed' && row.closure_reason
            ? closureStatuses[row.closure_reason]
            : undefined;
        return {
          update_id: String(row.id),
          service_request_id: row.reference,
          status: closedWhy ?? updateStatuses[status],
          updated_datetime: w3cDateTime(row.occurred_at),
          description: mayReadWords(viewer, row) ? row.body : null,
          // The first photo that came with the update, when anyone may see it.
          media_url: photo === undefined ? null : deps.photos.absoluteUrl(photo),
        };
      });
    },

    /**
     * POST requests: a new case through cases.submit, on the channel 'open311', made by this client.
     * With an Idempotency-Key, a retry is answered before anything else is checked.
     */
    createRequest: (
      client: ApiClient,
      origin: PostOrigin,
      body: Record<string, unknown>,
      format: Open311Format,
      idempotency?: Idempotency,
    ) => once(client, origin, idempotency, (remember) => makeRequest(client, body, format, remember)),

    /** POST servicerequestupdates: a back office's (or the sending client's) update, applied as that client. */
    postUpdate: (
      client: ApiClient,
      origin: PostOrigin,
      body: Record<string, unknown>,
      format: Open311Format,
      idempotency?: Idempotency,
    ) => once(client, origin, idempotency, (remember) => makeUpdate(client, body, format, remember)),

    /**
     * Each client may POST so many times a clock minute, counted in the database, so across every
     * process; a refused post counts too. Answers the seconds until the next minute when refused.
     */
    async checkRate(client: ApiClient): Promise<void> {
      const now = clock().getTime();
      const minute = new Date(now - (now % 60_000));
      const allowed = config.open311PostsPerMinute;
      if ((await repository.countPost(client.id, minute)) > allowed) {
        const retryAfter = Math.ceil((minute.getTime() + 60_000 - now) / 1000);
        throw new Open311Error(
          429,
          `Too many requests: each client may post ${allowed} times a minute. Wait a minute, then try again`,
          retryAfter,
        );
      }
    },

    /**
     * Every POST is audited, refused or not, with who sent it (when its key was good) and what came
     * of it: one that made a change in its own transaction (createRequest, postUpdate); a refused one here.
     */
    async recordPost(client: ApiClient | undefined, detail: Record<string, unknown>, ipAddress: string): Promise<void> {
      const actor = client
        ? apiClientActor(client)
        : { kind: 'system' as const, label: 'Open311 request without a valid api_key' };
      await recordAudit(db, { actor, action: 'open311-post', recordType: 'open311', detail, ipAddress }, clock());
    },

    /**
     * A back office's key reads what residents wrote and were told about its council's requests:
     * each such read is audited, with what was asked (less the key) and how many rows were sent.
     * Reads without a key, or by a client that is no council's back office, show nothing personal
     * beyond what that client sent itself, and are not.
     */
    async recordRead(
      client: ApiClient | undefined,
      read: { recordType: string; recordId?: string; filters: Record<string, unknown>; shown: number },
      ipAddress: string,
    ): Promise<void> {
      if (!client || client.organisationId === null) return;
      const filters = Object.fromEntries(
        Object.entries(read.filters).filter(([name, value]) => name !== 'api_key' && value !== undefined),
      );
      await recordAudit(
        db,
        {
          actor: apiClientActor(client),
          action: 'read',
          recordType: read.recordType,
          recordId: read.recordId,
          detail: { filters, shown: read.shown },
          ipAddress,
        },
        clock(),
      );
    },

    /** An api_key that is ours and not revoked, or 403 in the spec's words. */
    async clientFor(apiKey: string | undefined, required: boolean): Promise<ApiClient | undefined> {
      if (!apiKey) {
        if (required)
          throw new Open311Error(403, 'api_key is required to post: ask the partnership’s administrators for one');
        return undefined;
      }
      const client = await keys.authenticate(apiKey);
      if (!client) throw new Open311Error(403, 'api_key is not valid: it is wrong or has been revoked');
      return client;
    },
  };
}

export type Open311Service = ReturnType<typeof createOpen311Service>;
