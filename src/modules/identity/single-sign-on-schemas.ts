import { z } from 'zod';
import { isLoopbackHttp } from './oidc-client.js';

const isUrl = (value: string) => URL.canParse(value);

/** An organisation's OpenID Connect provider, as a partnership administrator enters it. */
export const providerSettingsSchema = z.object({
  issuerUrl: z
    .string({ error: 'Enter the issuer URL' })
    .trim()
    .min(1, 'Enter the issuer URL')
    .max(500, 'Issuer URL must be 500 characters or fewer')
    .refine(isUrl, 'Enter the issuer URL in the correct format, like https://login.example.org')
    .refine(
      (value) => !isUrl(value) || new URL(value).protocol === 'https:' || isLoopbackHttp(value),
      'Issuer URL must start with https://',
    )
    .refine(
      (value) => !isUrl(value) || (!new URL(value).search && !new URL(value).hash),
      'Issuer URL must not have a ? or # part',
    ),
  clientId: z
    .string({ error: 'Enter the client ID' })
    .trim()
    .min(1, 'Enter the client ID')
    .max(500, 'Client ID must be 500 characters or fewer'),
  // Empty keeps the secret already saved.
  clientSecret: z.string().trim().max(2000, 'Client secret must be 2000 characters or fewer').optional().default(''),
  enabled: z
    .union([z.literal('true'), z.array(z.literal('true'))])
    .optional()
    .transform((value) => value !== undefined),
});

export type ProviderSettingsForm = z.infer<typeof providerSettingsSchema>;
