import { z } from 'zod';
import { closureReasons } from '../../../db/schema.js';
import { contactNoteChannels } from './presenters.js';
import { single } from '../../../shared/form-values.js';

export const requiredText = (missing: string, label: string, max: number) =>
  z.preprocess(
    single,
    z.string({ error: missing }).trim().min(1, missing).max(max, `${label} must be ${max} characters or fewer`),
  );

const optionalText = (label: string, max: number) =>
  z.preprocess(
    (value) => single(value) ?? '',
    z.string().trim().max(max, `${label} must be ${max} characters or fewer`),
  );

/** A choice from a list of records: an id, or nothing when `none` is allowed ("no team"). */
const recordChoice = (message: string) =>
  z.preprocess(single, z.coerce.number({ error: message }).int(message).positive(message).max(2_147_483_647, message));
const optionalRecordChoice = (message: string) =>
  z.preprocess(
    (value) => {
      const text = single(value);
      return text === undefined || text === '' ? null : text;
    },
    z.coerce.number({ error: message }).int(message).positive(message).max(2_147_483_647, message).nullable(),
  );

/** Each form of the case page has its own field names, so that one page can show any form's errors. */
export const publicUpdateSchema = z.object({
  update: requiredText('Enter the update for the resident', 'The update', 2000),
});

export const internalNoteSchema = z.object({ note: requiredText('Enter the note', 'The note', 2000) });

export const contactNoteSchema = z.object({
  contactChannel: z.preprocess(single, z.enum(contactNoteChannels, { error: 'Select how they got in touch' })),
  contactNote: requiredText('Enter what they said or asked', 'The note', 2000),
});

export const statusSchema = z
  .object({
    status: z.preprocess(
      single,
      z.enum(['acknowledged', 'in_progress', 'resolved', 'closed'], { error: 'Select the new status' }),
    ),
    closureReason: z.preprocess(
      (value) => single(value) || undefined,
      z.enum(closureReasons, { error: 'Select why the case is closed' }).optional(),
    ),
    duplicateReference: z.preprocess(
      single,
      z
        .string()
        .trim()
        .max(40, 'Enter a case reference, like DBY-2026-000123')
        .optional()
        .transform((value) => (value ? value.toUpperCase() : undefined)),
    ),
    statusMessage: optionalText('The message', 2000),
  })
  .superRefine((form, context) => {
    if (form.status === 'closed' && !form.closureReason)
      context.addIssue({ code: 'custom', path: ['closureReason'], message: 'Select why the case is closed' });
    if (form.status === 'closed' && form.closureReason === 'duplicate' && !form.duplicateReference) {
      context.addIssue({
        code: 'custom',
        path: ['duplicateReference'],
        message: 'Enter the reference of the case this one duplicates',
      });
    }
  });

export const assignSchema = z.object({
  team: optionalRecordChoice('Select a team from the list'),
  assignee: optionalRecordChoice('Select a person from the list'),
});

export const transferSchema = z.object({
  transferTo: recordChoice('Select the organisation to transfer the case to'),
  transferReason: requiredText('Enter why you are transferring the case', 'The reason', 1000),
  /** Ticked after the warning that the receiving body does not serve the place. */
  confirmOutsideArea: z.preprocess(single, z.literal('yes').optional()).transform((value) => value === 'yes'),
});
