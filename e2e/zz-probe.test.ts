import { it } from 'vitest';
import { useBrowserApp } from './support/app.js';
const t = useBrowserApp();
it('probe', async () => {
  const page = await t.newPage();
  for (const u of ['/services/domestic-bins?postcode=de43ag', '/services/domestic-bins?postcode=DE1+0AL','/services/domestic-bins?postcode=DE14+1AA', '/services/educating-your-child-at-home?postcode=DE4+3AG', '/services/educating-your-child-at-home?postcode=DE1+0AL', '/services/educating-your-child-at-home?postcode=DE14+1AA', '/services/educating-your-child-at-home?postcode=hello', '/services/educating-your-child-at-home?postcode=ZZ9+9ZZ', '/find-your-council?postcode=DE4+3AG', '/find-your-council?postcode=DE1+0AL', '/find-your-council?postcode=DE14+1AA', '/find-your-council?postcode=', '/services?q=zzzzqqq', '/no-such-page']) {
    const r = await page.goto(u);
    console.log('-----', u, r?.status(), await page.title(), '\n', await page.locator('main').innerText(), '\n', await page.locator('main a').evaluateAll(as => as.map(a => (a as HTMLAnchorElement).href)));
  }
}, 120000);
