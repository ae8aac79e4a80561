import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workflowIdFor } from '../../src/shared/order-contract';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { ordersClient } from '../support/orders';

// A real browser against the Temporal Web UI of the test stack: an order submitted through
// the API is found by a visibility query on its search attributes, and its run page opens
// from the order view's link, showing the order's input decrypted through the codec server.
// Debian's Chromium (installed by `npm test`'s setup step) is driven by playwright-core;
// without it this file is skipped, saying why.

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(__dirname, '..', 'artifacts', 'ui');
const DOCS_IMAGES = join(__dirname, '..', '..', 'docs', 'images');

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `[test/ui] SKIPPED: ${CHROMIUM} is missing, so the Temporal UI browser test cannot run. ` +
      "`npm test` installs Debian's chromium when it can (as root, with apt-get); install it with `apt-get install -y chromium`.",
  );
}

/** Loads `url` until `locator` shows up: visibility may trail the order's last update by a moment. */
async function openUntilVisible(page: Page, url: string, text: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    const target = page.getByRole('link', { name: text, exact: true }).first();
    try {
      await target.waitFor({ state: 'visible', timeout: Math.min(15_000, Math.max(1, deadline - Date.now())) });
      return target;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
}

/** Lets the page finish its requests before a screenshot (bounded: the UI may keep polling). */
async function settle(page: Page) {
  await page.waitForLoadState('networkidle', { timeout: 3_000 }).catch(() => undefined);
}

describe.skipIf(!hasChromium)('Temporal Web UI (headless Chromium)', () => {
  let context: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    userDataDir = mkdtempSync(join(tmpdir(), 'orders-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('finds a completed order by its search attributes and opens its run', async () => {
    const { temporalUi } = inject('stack');
    const orders = ordersClient();
    // A street no other order has: found on the page only if the UI decrypted the input.
    const order = sampleOrder({
      shippingAddress: {
        name: 'Ada Lovelace',
        line1: `${Date.now()} Codec Street`,
        city: 'Berlin',
        postalCode: '10115',
        country: 'DE',
      },
    });
    const workflowId = workflowIdFor(order.orderId);

    expect((await orders.submit(order)).status).toBe(202);
    const view = await orders.waitForOrder(order.orderId);
    expect(view.status).toBe('COMPLETED');

    const page = context.pages()[0] ?? (await context.newPage());

    // 1. The workflows list, filtered by a visibility query on the custom search attributes.
    const query = `OrderStatus="COMPLETED" AND CustomerId="${order.customerId}"`;
    const listUrl = `${temporalUi}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
    const row = await openUntilVisible(page, listUrl, workflowId);
    expect((await row.textContent())?.trim()).toBe(workflowId);
    // Exactly this customer's one order is listed, and its row shows it as completed.
    await expect
      .poll(() =>
        page
          .getByRole('row')
          .filter({ hasText: workflowIdFor('') })
          .count(),
      )
      .toBe(1);
    expect(await page.getByRole('row').filter({ has: row }).innerText()).toMatch(/\bCOMPLETED\b[\s\S]*orderWorkflow/);
    await settle(page);
    await page.screenshot({ path: join(ARTIFACTS, 'workflows-by-search-attributes.png') });

    // 2. The run's own page, through the link the API gives in the order view.
    expect(view.links.temporalUi).toBe(`${temporalUi}/namespaces/default/workflows/${workflowId}`);
    await page.goto(view.links.temporalUi, { waitUntil: 'domcontentloaded' });
    await page.getByRole('heading', { name: workflowId }).first().waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.title()).toContain(workflowId);
    // The timeline lists the order's activities (with their summaries).
    await page
      .getByText(/chargePayment/)
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
    await page
      .getByText(/createShipment/)
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
    await settle(page);
    await page.screenshot({ path: join(ARTIFACTS, 'order-run.png') });

    // 3. The run's input, decrypted in the browser through the codec server (--ui-codec-endpoint):
    // Temporal holds only ciphertext, yet the operator reads the order.
    const decodeCalls: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${inject('stack').codec}/decode`)) decodeCalls.push(request.url());
    });
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.getByText(order.shippingAddress.line1).first().waitFor({ state: 'visible', timeout: 20_000 });
    expect(decodeCalls.length).toBeGreaterThan(0);
    await settle(page);
    await page.screenshot({ path: join(ARTIFACTS, 'order-run-decrypted.png'), fullPage: true });

    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') {
      mkdirSync(DOCS_IMAGES, { recursive: true });
      copyFileSync(join(ARTIFACTS, 'order-run.png'), join(DOCS_IMAGES, 'temporal-ui-order.png'));
      copyFileSync(join(ARTIFACTS, 'workflows-by-search-attributes.png'), join(DOCS_IMAGES, 'temporal-ui-search.png'));
    }
  }, 180_000);
});
