import type { FastifyInstance, FastifyReply } from 'fastify';
import { fieldError, formErrorsFrom, type FormErrors } from '../../web/form-errors.js';
import type { Actor } from '../../shared/actor.js';
import { parseIdParam } from '../identity/schemas.js';
import type { AgreementService } from './agreement-service.js';
import { partnershipPaths as paths } from './paths.js';
import { agreementFormValues, inFieldOrder } from './presenters.js';
import { PartnershipRuleError } from './rules.js';
import {
  agreementFieldOrder,
  agreementPurposeNames,
  agreementSchema,
  fieldIds,
  type AgreementForm,
} from './schemas.js';
import { agreementScopeWords } from './sharing-rules.js';

const views = 'partnership/views';
const statusNames = { draft: 'Draft', active: 'Active', ended: 'Ended' };

export function registerAgreementRoutes(scope: FastifyInstance, agreements: AgreementService): void {
  scope.get(paths.agreements, async (request, reply) =>
    reply.render(`${views}/agreements.njk`, {
      paths,
      agreements: await agreements.list(request.actor),
      purposeNames: agreementPurposeNames,
      statusNames,
      ...agreementScopeWords,
      mayManage: agreements.mayManage(request.actor),
      currentSection: 'staff',
    }),
  );

  async function renderAgreement(
    reply: FastifyReply,
    actor: Actor,
    id: number,
    extra: { notice?: string; errors?: FormErrors },
  ) {
    return reply.render(`${views}/agreement.njk`, {
      paths,
      ...(await agreements.get(actor, id)),
      ...extra,
      purposeNames: agreementPurposeNames,
      statusNames,
      ...agreementScopeWords,
      backLink: paths.agreements,
    });
  }

  async function renderForm(
    reply: FastifyReply,
    actor: Actor,
    page: { heading: string; values: Record<string, unknown>; backLink: string; errors?: FormErrors },
  ) {
    return reply.render(`${views}/agreement-form.njk`, {
      ...page,
      ...(await agreements.formOptions(actor)),
      purposeNames: agreementPurposeNames,
      ...agreementScopeWords,
    });
  }

  async function saveAgreement(
    reply: FastifyReply,
    actor: Actor,
    body: Record<string, unknown>,
    page: { heading: string; backLink: string },
    persist: (form: AgreementForm) => Promise<number>,
  ) {
    const form = agreementSchema.safeParse(body);
    if (!form.success)
      return renderForm(reply.code(400), actor, {
        ...page,
        values: body,
        errors: inFieldOrder(formErrorsFrom(form.error, fieldIds), agreementFieldOrder, fieldIds),
      });
    try {
      const id = await persist(form.data);
      return reply.redirect(`${paths.agreement({ id })}?saved`, 303);
    } catch (error) {
      if (!(error instanceof PartnershipRuleError)) throw error;
      return renderForm(reply.code(error.statusCode), actor, {
        ...page,
        values: body,
        errors: fieldError(error.field, error.message),
      });
    }
  }

  const newPage = { heading: 'Add a data-sharing agreement', backLink: paths.agreements };

  scope.get(paths.newAgreement, async (request, reply) => renderForm(reply, request.actor, { ...newPage, values: {} }));

  scope.post<{ Body: Record<string, unknown> }>(paths.newAgreement, async (request, reply) => {
    await agreements.formOptions(request.actor);
    return saveAgreement(reply, request.actor, request.body, newPage, (form) => agreements.create(request.actor, form));
  });

  scope.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
    paths.agreement.pattern,
    async (request, reply) =>
      renderAgreement(reply, request.actor, parseIdParam(request.params), { notice: Object.keys(request.query)[0] }),
  );

  /** Runs a change to a saved agreement; one the rules refuse shows the agreement again with why. */
  async function orExplain(reply: FastifyReply, actor: Actor, id: number, change: () => Promise<FastifyReply>) {
    try {
      return await change();
    } catch (error) {
      if (!(error instanceof PartnershipRuleError)) throw error;
      return renderAgreement(reply.code(error.statusCode), actor, id, {
        errors: fieldError(error.field, error.message),
      });
    }
  }

  scope.get<{ Params: { id: string } }>(paths.editAgreement.pattern, async (request, reply) => {
    const id = parseIdParam(request.params);
    return orExplain(reply, request.actor, id, async () => {
      const { agreement, parties, services } = await agreements.findEditable(request.actor, id);
      const values = agreementFormValues(
        agreement,
        parties.map((party) => party.id),
        services.map((service) => service.lgsl),
      );
      return renderForm(reply, request.actor, {
        heading: 'Change the agreement',
        values,
        backLink: paths.agreement({ id }),
      });
    });
  });

  scope.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    paths.editAgreement.pattern,
    async (request, reply) => {
      const id = parseIdParam(request.params);
      return orExplain(reply, request.actor, id, async () => {
        await agreements.findEditable(request.actor, id);
        return saveAgreement(
          reply,
          request.actor,
          request.body,
          { heading: 'Change the agreement', backLink: paths.agreement({ id }) },
          async (form) => {
            await agreements.update(request.actor, id, form);
            return id;
          },
        );
      });
    },
  );

  scope.post<{ Params: { id: string } }>(paths.activateAgreement.pattern, async (request, reply) => {
    const id = parseIdParam(request.params);
    return orExplain(reply, request.actor, id, async () => {
      await agreements.activate(request.actor, id);
      return reply.redirect(`${paths.agreement({ id })}?activated`, 303);
    });
  });

  scope.post<{ Params: { id: string } }>(paths.endAgreement.pattern, async (request, reply) => {
    const id = parseIdParam(request.params);
    return orExplain(reply, request.actor, id, async () => {
      await agreements.end(request.actor, id);
      return reply.redirect(`${paths.agreement({ id })}?ended`, 303);
    });
  });
}
