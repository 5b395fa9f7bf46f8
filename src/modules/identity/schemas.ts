import { z } from 'zod';
import { staffRoles } from '../../db/schema.js';
import { NotFoundError } from '../../shared/errors.js';
import { visibleName } from '../../shared/names.js';
import { isUkPhoneNumber } from '../../shared/phone.js';

export const emailField = z
  .string({ error: 'Enter your email address' })
  .trim()
  .min(1, 'Enter your email address')
  .max(254, 'Email address must be 254 characters or fewer')
  .email('Enter an email address in the correct format, like name@example.com')
  .transform((email) => email.toLowerCase());

// NCSC advice: long passwords (three random words), no composition rules, a sensible maximum.
export const newPasswordField = z
  .string({ error: 'Enter a password' })
  .min(1, 'Enter a password')
  .min(12, 'Password must be 12 characters or more')
  .max(256, 'Password must be 256 characters or fewer');

export const signInSchema = z.object({
  email: emailField,
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(256, 'Enter your password'),
});

export const forgotPasswordSchema = z.object({ email: emailField });

export const resetPasswordSchema = z
  .object({
    token: z.string().min(1).max(100),
    password: newPasswordField,
    confirmPassword: z.string().optional().default(''),
  })
  .refine((form) => form.password === form.confirmPassword, {
    path: ['confirmPassword'],
    message: 'Passwords do not match',
  });

const nameField = visibleName(
  z
    .string({ error: 'Enter a full name' })
    .trim()
    .min(1, 'Enter a full name')
    .max(200, 'Name must be 200 characters or fewer'),
  'Name',
);

/** Checkboxes arrive as a string for one ticked box and an array for several. */
const rolesField = z
  .union([z.string(), z.array(z.string())], { error: 'Select at least one role' })
  .transform((value) => [value].flat())
  .pipe(z.array(z.enum(staffRoles, { error: 'Select roles from the list' })).min(1, 'Select at least one role'));

export const newStaffSchema = z.object({
  organisationId: z.coerce.number({ error: 'Select an organisation' }).int().positive('Select an organisation'),
  name: nameField,
  email: emailField,
  roles: rolesField,
});

export const rolesSchema = z.object({ roles: rolesField });

export const staffStatusSchema = z.object({
  disabled: z
    .enum(['true', 'false'], { error: 'Choose to disable or enable the account with its button' })
    .transform((value) => value === 'true'),
});

const idParamSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

/** A record id from the address; anything that is not one is a page that does not exist. */
export function parseIdParam(params: unknown): number {
  const parsed = idParamSchema.safeParse(params);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data.id;
}

export const roleNames: Record<(typeof staffRoles)[number], string> = {
  partnership_admin: 'Partnership administrator',
  organisation_admin: 'Organisation administrator',
  contact_centre_agent: 'Contact centre agent',
  service_officer: 'Service officer',
  service_manager: 'Service manager',
  recruiter: 'Recruiter',
  analyst: 'Analyst',
  partner_adviser: 'Partner adviser',
};

const phoneField = z
  .string()
  .trim()
  .max(20, 'Enter a telephone number, like 01632 960 001 or 07700 900 982')
  .refine(
    (value) => value === '' || isUkPhoneNumber(value),
    'Enter a telephone number, like 01632 960 001 or 07700 900 982',
  )
  .transform((value) => (value === '' ? null : value))
  .optional()
  .transform((value) => value ?? null);

export const citizenRegistrationSchema = z
  .object({
    name: nameField,
    email: emailField,
    phone: phoneField,
    password: newPasswordField,
    confirmPassword: z.string().optional().default(''),
  })
  .refine((form) => form.password === form.confirmPassword, {
    path: ['confirmPassword'],
    message: 'Passwords do not match',
  });

export const citizenDetailsSchema = z.object({ name: nameField, phone: phoneField });
