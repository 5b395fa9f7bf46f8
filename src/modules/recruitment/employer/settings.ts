import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../../db/schema.js';
import type { Actor, StaffActor } from '../../../shared/actor.js';
import { ForbiddenError } from '../../../shared/errors.js';
import { single } from '../../../shared/form-values.js';
import { recordAudit } from '../../audit/service.js';
import { requireCapability } from '../../identity/policy.js';
import { poundsToPence } from '../vacancies/schemas.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface EmployerSettings {
  requiresApproval: boolean;
  anonymiseByDefault: boolean;
  retentionMonths: number;
  paperPackCostPence: number;
}

/** The migration's defaults: what an employer that has never saved its settings works to. */
export const defaultEmployerSettings: EmployerSettings = {
  requiresApproval: false,
  anonymiseByDefault: true,
  retentionMonths: 6,
  paperPackCostPence: 450,
};

export async function readEmployerSettings(db: Executor, organisationId: number): Promise<EmployerSettings> {
  const row = await db
    .selectFrom('recruitment_employer_settings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (!row) return { ...defaultEmployerSettings };
  return {
    requiresApproval: row.requires_approval,
    anonymiseByDefault: row.anonymise_by_default,
    retentionMonths: row.retention_months,
    paperPackCostPence: row.paper_pack_cost_pence,
  };
}

export const settingsSchema = z.object({
  requiresApproval: z.preprocess(single, z.enum(['yes', 'no'], { error: 'Select whether vacancies need approval' })),
  anonymiseByDefault: z.preprocess(
    single,
    z.enum(['yes', 'no'], { error: 'Select whether new vacancies shortlist anonymised applications' }),
  ),
  retentionMonths: z.preprocess(
    (value) => String(single(value) ?? '').trim(),
    z
      .string()
      .min(1, 'Enter how many months applications are kept')
      .regex(/^\d{1,3}$/, 'Months must be a whole number, like 6')
      .transform(Number)
      .refine((months) => months >= 1 && months <= 120, 'Months must be between 1 and 120'),
  ),
  paperPackCost: z.preprocess(
    (value) => String(single(value) ?? '').trim(),
    z
      .string()
      .min(1, 'Enter what a paper application pack cost')
      .transform((value, context) => {
        const pence = poundsToPence(value);
        if (pence === null || pence > 10_000) {
          context.addIssue({ code: 'custom', message: 'Pack cost must be a sum of money up to £100, like 4.50' });
          return z.NEVER;
        }
        return pence;
      }),
  ),
});

/** Who may change an employer's settings: its organisation administrators, as these govern its recruiters' work. */
export function requireSettingsManager(actor: StaffActor): StaffActor {
  if (!actor.roles.includes('organisation_admin')) throw new ForbiddenError();
  return actor;
}

export function createEmployerSettingsService({ db, clock }: { db: Kysely<Database>; clock: () => Date }) {
  return {
    async read(actorIn: Actor): Promise<EmployerSettings> {
      const actor = requireCapability(actorIn, 'recruitment.manage');
      return readEmployerSettings(db, actor.organisationId);
    },

    async save(actorIn: Actor, settings: EmployerSettings, ipAddress: string | null): Promise<void> {
      const actor = requireSettingsManager(requireCapability(actorIn, 'recruitment.manage'));
      const now = clock();
      const row = {
        requires_approval: settings.requiresApproval,
        anonymise_by_default: settings.anonymiseByDefault,
        retention_months: settings.retentionMonths,
        paper_pack_cost_pence: settings.paperPackCostPence,
        updated_at: now,
      };
      await db.transaction().execute(async (tx) => {
        const before = await readEmployerSettings(tx, actor.organisationId);
        await tx
          .insertInto('recruitment_employer_settings')
          .values({ organisation_id: actor.organisationId, ...row })
          .onConflict((conflict) => conflict.column('organisation_id').doUpdateSet(row))
          .execute();
        await recordAudit(
          tx,
          {
            actor,
            action: 'update',
            recordType: 'recruitment_employer_settings',
            recordId: actor.organisationId,
            detail: { before, after: settings },
            ipAddress,
          },
          now,
        );
      });
    },
  };
}

export type EmployerSettingsService = ReturnType<typeof createEmployerSettingsService>;
