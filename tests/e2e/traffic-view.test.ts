import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect, test, type Page } from '@playwright/test';
import { jsonBytes, seedHeartbeat, seedStatusUpdate } from '../../src/lib/protocol/fixtures';
import { chooseByKeyboard, joinAs, natsUrl, openComposer, pressByKeyboard } from './env';

let agent: NatsConnection;
test.beforeAll(async () => {
	agent = await connect({ servers: natsUrl, name: 'traffic source (test)' });
});
test.afterAll(() => agent.close());

const unique = () => Math.random().toString(36).slice(2, 7);
const messages = (page: Page) => page.getByRole('table', { name: 'Messages' });
const bodyRows = (page: Page) => messages(page).locator('.body [role="row"]');

test('keeps up with 20,000 messages while only the visible rows exist in the page', async ({ page }) => {
	const errors: Error[] = [];
	page.on('pageerror', (error) => errors.push(error));
	await joinAs(page, `Ada ${unique()}`);
	await page.getByLabel('Keep').selectOption('100000');
	const marker = unique();
	// coordination_request: a type no Switchboard stream keeps, so the flood does not fill the
	// presence history other tests (running alongside) replay.
	for (let n = 0; n < 20_000; n++) {
		agent.publish(
			'orchestrator.broadcast.coordination_request',
			jsonBytes(
				seedStatusUpdate({
					from_agent: `flood-${marker}`,
					message_type: 'coordination_request',
					content: { n }
				})
			)
		);
	}
	await agent.flush();
	await expect(page.getByText(/showing 2\d,\d{3}/)).toBeVisible({ timeout: 20_000 });
	// Other tests share this bus: narrow the list to the flood, as a person would.
	await page.getByRole('search', { name: 'Filter the traffic' }).getByLabel('Text').fill(`flood-${marker}`);
	await expect(page.getByText(/showing 20,000 /)).toBeVisible();
	expect(await bodyRows(page).count()).toBeLessThan(80);
	await expect(messages(page).getByRole('row').filter({ hasText: '"n":19999' })).toBeVisible();

	// Scrolled to the bottom, the oldest kept message is there.
	await messages(page)
		.locator('.scroller')
		.evaluate((el) => (el.scrollTop = el.scrollHeight));
	await expect(messages(page).getByRole('row').filter({ hasText: `"n":0}` }).first()).toBeVisible();
	expect(await bodyRows(page).count()).toBeLessThan(80);
	expect(errors).toEqual([]);
});

test('pause holds the view and counts what arrives; resume shows it', async ({ page }) => {
	await joinAs(page, `Ada ${unique()}`);
	const marker = unique();
	// Other tests share this bus: narrow the list to this test's messages.
	await page.getByRole('search', { name: 'Filter the traffic' }).getByLabel('Text').fill(`paused-${marker}`);
	await page.getByRole('button', { name: 'Pause' }).click();
	for (let n = 0; n < 5; n++) {
		agent.publish(
			'orchestrator.broadcast.status_update',
			jsonBytes(seedStatusUpdate({ content: { status: `paused-${marker}-${n}` } }))
		);
	}
	// Other tests run alongside on the same bus: at least our 5 are counted.
	const resume = page.getByRole('button', { name: /^Resume \(\d+ new\)$/ });
	await expect
		.poll(async () => Number(/\((\d+) new\)/.exec((await resume.textContent()) ?? '')?.[1] ?? 0))
		.toBeGreaterThanOrEqual(5);
	await expect(
		messages(page)
			.getByRole('row')
			.filter({ hasText: `paused-${marker}` })
	).toHaveCount(0);
	await resume.click();
	await expect(
		messages(page)
			.getByRole('row')
			.filter({ hasText: `paused-${marker}` })
	).toHaveCount(5);
});

test('filters by type, subject pattern and invalidity; a row opens its detail', async ({ page }) => {
	await joinAs(page, `Ada ${unique()}`);
	const marker = unique();
	agent.publish('orchestrator.broadcast.heartbeat', jsonBytes(seedHeartbeat({ from_agent: `hb-${marker}` })));
	agent.publish(
		`orchestrator.agent.target-${marker}.status_update`,
		jsonBytes(seedStatusUpdate({ to_agent: `target-${marker}`, content: { status: `direct-${marker}` } }))
	);
	agent.publish('orchestrator.broadcast.question', `broken-${marker}`);
	// Other tests share this bus: narrow the list to this test's messages first.
	const filters = page.getByRole('search', { name: 'Filter the traffic' });
	await filters.getByLabel('Text').fill(marker);
	await expect(bodyRows(page)).toHaveCount(3);
	await filters.getByLabel('Type').fill('heartbeat');
	await expect(bodyRows(page)).toHaveCount(1);
	await filters.getByLabel('Type').fill('');
	await filters.getByLabel('Subject').fill('orchestrator.agent.*.status_update');
	await expect(bodyRows(page)).toHaveCount(1);
	await expect(bodyRows(page)).toContainText(`direct-${marker}`);
	await filters.getByLabel('Subject').fill('');
	await filters.getByLabel('only invalid').check();
	await expect(bodyRows(page)).toHaveCount(1);

	await bodyRows(page).first().click();
	const detail = page.getByRole('region', { name: /^Message/ });
	await expect(detail).toContainText('no — payload is not JSON');
	await expect(detail.getByLabel('Payload')).toHaveText(`broken-${marker}`);
	await filters.getByLabel('only invalid').uncheck();
	await filters.getByLabel('Text').fill(`direct-${marker}`);
	await bodyRows(page).first().click();
	await expect(detail.getByLabel('Payload')).toContainText(`"status": "direct-${marker}"`);
	await expect(detail).toContainText(`orchestrator.agent.target-${marker}.status_update`);
});

test('watches another subject the person adds, and explains one it cannot', async ({ page }) => {
	await joinAs(page, `Ada ${unique()}`);
	const form = page.getByRole('form', { name: 'Watch another subject' });
	await form.getByLabel('Subject or pattern to watch').fill('orchestrator.broadcast.*');
	await form.getByRole('button', { name: 'Watch' }).click();
	await expect(form.getByRole('alert')).toContainText('already shown: orchestrator.> covers it');
	await form.getByLabel('Subject or pattern to watch').fill('work.>.bad');
	await form.getByRole('button', { name: 'Watch' }).click();
	await expect(form.getByRole('alert')).toContainText('is not a subject');

	const subject = `work${unique()}.>`;
	await form.getByLabel('Subject or pattern to watch').fill(subject);
	await form.getByRole('button', { name: 'Watch' }).click();
	await expect(form).toContainText(subject);
	// Published only once the page says the server has the subscription: before, it could be missed.
	await expect(form.getByText('(starting…)')).toHaveCount(0);
	const marker = unique();
	agent.publish(`${subject.slice(0, -2)}.jobs`, JSON.stringify({ job: marker }));
	await page.getByRole('search', { name: 'Filter the traffic' }).getByLabel('Text').fill(marker);

	const row = messages(page).getByRole('row').filter({ hasText: marker });
	await expect(row).toContainText('invalid');
	await expect(row).toContainText('belongs to neither seed system');
});

test('composes and sends as the joined agent: a broadcast, and a request whose reply is shown', async ({
	page
}) => {
	await joinAs(page, `Ada ${unique()}`);
	const banner = page.getByRole('banner');
	await expect(banner).toContainText('JetStream on');
	await expect(banner).toContainText('max payload 1024 kB');
	await expect(banner).toContainText(/RTT \d+ ms/);
	const me = (await banner.locator('.mono').first().textContent())!;

	const seen: Array<{ from_agent: string; content: Record<string, unknown> }> = [];
	const sub = agent.subscribe('orchestrator.broadcast.status_update', {
		callback: (_e, msg) => void seen.push(msg.json())
	});
	const architect = `architect-${unique()}`;
	agent.subscribe(`orchestrator.agent.${architect}.resource_request`, {
		callback: (_e, msg) => {
			msg.respond(
				JSON.stringify({
					from_agent: architect,
					to_agent: me,
					message_type: 'resource_response',
					content: { schema: 'v2' },
					timestamp: '2025-12-07T23:11:11',
					correlation_id: null
				})
			);
		}
	});
	await agent.flush();

	await openComposer(page, me);
	const form = page.getByRole('form', { name: 'Compose a message' });
	const marker = unique();
	await form.getByLabel('Content (JSON)').fill(`{"status": "completed", "marker": "${marker}"}`);
	await pressByKeyboard(form.getByRole('button', { name: 'Send' }));
	await expect(form.getByRole('status')).toContainText('Sent on orchestrator.broadcast.status_update.');
	await expect.poll(() => seen.some((m) => m.content.marker === marker && m.from_agent === me)).toBe(true);

	await chooseByKeyboard(form.getByLabel('Request / reply'));
	await form.getByLabel('Type').selectOption('resource_request');
	await form.getByLabel('Agent id').fill(architect);
	await form.getByLabel('Content (JSON)').fill('{"resource": "task_model"}');
	await pressByKeyboard(form.getByRole('button', { name: 'Send' }));
	await expect(form.getByRole('status')).toContainText(`${architect} replied with resource_response:`);
	await expect(form.getByLabel('Reply', { exact: true })).toContainText('"schema": "v2"');

	// The console's own orchestrator.> subscription means NATS never reports "no responders": a timeout it is.
	await form.getByLabel('Wait').selectOption('2000');
	await form.getByLabel('Agent id').fill(`nobody-${marker}`);
	await pressByKeyboard(form.getByRole('button', { name: 'Send' }));
	await expect(form.getByRole('alert')).toContainText(
		`No reply within 2 s from nobody-${marker}: check that it is on the bus`
	);

	await chooseByKeyboard(form.getByLabel('Broadcast'));
	await form.getByLabel('Type').selectOption('status_update');
	await form.getByLabel('Content (JSON)').fill(`{"status": "x", "blob": "${'y'.repeat(1_100_000)}"}`);
	await pressByKeyboard(form.getByRole('button', { name: 'Send' }));
	await expect(form.getByRole('alert')).toContainText(
		'this server accepts at most 1.0 MB. Send less content.'
	);
	sub.unsubscribe();
});
