import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it('hides API keys and emailed tokens, and nothing else', () => {
    expect(redactSecrets('/open311/v2/servicerequestupdates.xml?api_key=abc123&start_date=2026-01-01')).toBe(
      '/open311/v2/servicerequestupdates.xml?api_key=[redacted]&start_date=2026-01-01',
    );
    expect(redactSecrets('/account/verify?token=Zx_9-k')).toBe('/account/verify?token=[redacted]');
    expect(redactSecrets('/services?q=token')).toBe('/services?q=token');
    expect(redactSecrets('/references/Zx_9-kAbC?x=1')).toBe('/references/[redacted]?x=1');
    expect(redactSecrets('/jobs/alerts/unsubscribe/k3y')).toBe('/jobs/alerts/unsubscribe/[redacted]');
    expect(redactSecrets('/jobs/alerts/keep/k3y')).toBe('/jobs/alerts/keep/[redacted]');
    expect(redactSecrets('/jobs/alerts/new')).toBe('/jobs/alerts/new');
  });
});
