/**
 * What nats/secure.conf refuses a person, booted as is (TLS with a throwaway certificate): they
 * are WebSocket-only and confined to their own id and inbox prefix. The app working within those
 * permissions in a browser is tests/e2e/secure.test.ts.
 */
import { wsconnect, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { questionKey } from '../src/lib/protocol';
import { ANSWERS_STREAM, INBOX_STREAM, STORAGE, answerSubject, checkStorage } from '../src/lib/storage';
import { steerAgent } from '../src/lib/steering';
import { PASSWORDS, startSecureServer, type SecureServer } from './helpers/secure-server';

let secure: SecureServer;
beforeAll(async () => {
	secure = await startSecureServer('http://127.0.0.1:4280');
	// The certificate is this test's own; Node's WebSocket client cannot be given a CA otherwise.
	process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
});
afterAll(async () => {
	delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
	await secure?.stop();
});

/** What the server said it refused on this connection after `act`, or 'nothing' within 2 s. */
async function refusal(nc: NatsConnection, act: () => void): Promise<string> {
	const said = (async () => {
		for await (const status of nc.status())
			if (status.type === 'error') return String(status.error?.message ?? status.error);
		return 'closed';
	})();
	act();
	await nc.flush();
	return Promise.race([said, new Promise<string>((resolve) => setTimeout(() => resolve('nothing'), 2_000))]);
}

describe('nats/secure.conf', () => {
	it('lets a person in over wss:// only', async () => {
		await expect(
			connect({
				servers: secure.server.natsUrl,
				user: 'ada',
				pass: PASSWORDS.ada,
				tls: { caFile: secure.cert }
			})
		).rejects.toThrow(/authorization/i);
		const ada = await wsconnect({ servers: secure.wssUrl, user: 'ada', pass: PASSWORDS.ada });
		await ada.close();
		await expect(
			wsconnect({ servers: secure.server.wsUrl, user: 'ada', pass: PASSWORDS.ada })
		).rejects.toThrow();
	});

	it('confines a person to their own id and their own inbox prefix', async () => {
		const ada = await wsconnect({
			servers: secure.wssUrl,
			user: 'ada',
			pass: PASSWORDS.ada,
			inboxPrefix: '_INBOX_ada'
		});
		try {
			// Speaking as someone else where the subject names the speaker: refused.
			expect(await refusal(ada, () => ada.publish('agent.grace.heartbeat', '{}'))).toMatch(
				/Permissions Violation for Publish to "agent.grace.heartbeat"/i
			);
			// Reading another person's replies: refused.
			expect(await refusal(ada, () => ada.subscribe('_INBOX_grace.>'))).toMatch(
				/Permissions Violation for Subscription to "_INBOX_grace.>"/i
			);
			// Handing out work is an agent's job, not a person's.
			expect(await refusal(ada, () => ada.publish('orchestrator.broadcast.task_assignment', '{}'))).toMatch(
				/Permissions Violation for Publish/i
			);
			// Its own presence and answers go through.
			expect(await refusal(ada, () => ada.publish('agent.ada.heartbeat', '{}'))).toBe('nothing');
			expect(await refusal(ada, () => ada.publish('orchestrator.agent.coder.answer', '{}'))).toBe('nothing');
		} finally {
			await ada.close();
		}
	});

	it('lets only the steering role steer agents: Grace’s orders are refused in words, Ada’s go out', async () => {
		const login = (user: 'ada' | 'grace') =>
			wsconnect({ servers: secure.wssUrl, user, pass: PASSWORDS[user], inboxPrefix: `_INBOX_${user}` });
		const [ada, grace] = [await login('ada'), await login('grace')];
		const target = { id: 'coder', name: 'coder', dialect: 'seed' as const };
		try {
			for (const command of ['pause_agent', 'resume_agent', 'update_goal'] as const)
				await expect(
					steerAgent(grace, target, { command, goal: 'x' }, { id: 'grace', name: 'Grace' })
				).rejects.toThrow(
					new RegExp(
						`was not sent: the server does not allow this login to send on orchestrator\\.agent\\.coder\\.${command}`,
						'u'
					)
				);
			await expect(
				steerAgent(grace, target, { command: 'stop_task', task: '2.1' }, { id: 'grace', name: 'Grace' })
			).rejects.toThrow(/Ask whoever runs the server for the steering role/u);
			const kept = await steerAgent(ada, target, { command: 'pause_agent' }, { id: 'ada', name: 'Ada' });
			expect(kept.summary).toBe('Ada paused coder');
			// Both may write the audit trail themselves (a ping is recorded by whoever sends it).
			expect(await refusal(grace, () => grace.publish('switchboard.audit.ping', '{}'))).toBe('nothing');
			expect(await refusal(grace, () => grace.publish('orchestrator.agent.coder.ping', '{}'))).toBe(
				'nothing'
			);
		} finally {
			await ada.close();
			await grace.close();
		}
	});

	it('lets an agent read its own replies only, not every agent’s and person’s', async () => {
		const coder = await connect({
			servers: secure.server.natsUrl,
			user: 'coder',
			pass: PASSWORDS.coder,
			tls: { caFile: secure.cert },
			inboxPrefix: '_INBOX_coder'
		});
		try {
			for (const subject of ['_INBOX.>', '_INBOX_ada.>'])
				expect(await refusal(coder, () => coder.subscribe(subject))).toMatch(
					new RegExp(`Permissions Violation for Subscription to "${subject.replace('.', '\\.')}"`, 'iu')
				);
			expect(await refusal(coder, () => coder.subscribe('_INBOX_coder.>'))).toBe('nothing');
		} finally {
			await coder.close();
		}
	});
});

describe('nats/secure.conf and Switchboard’s storage', () => {
	const person = () =>
		wsconnect({ servers: secure.wssUrl, user: 'ada', pass: PASSWORDS.ada, inboxPrefix: '_INBOX_ada' });
	const coder = () =>
		connect({
			servers: secure.server.natsUrl,
			user: 'coder',
			pass: PASSWORDS.coder,
			tls: { caFile: secure.cert },
			inboxPrefix: '_INBOX_coder'
		});

	/** What the server said when it refused `act`; fails the test when it was accepted. */
	async function refused(act: () => Promise<unknown>): Promise<string> {
		try {
			await act();
		} catch (error) {
			return error instanceof Error ? error.message : String(error);
		}
		throw new Error('The server accepted it.');
	}

	it('lets a person and an agent use the storage but create, change, purge or delete none of it', async () => {
		for (const nc of [await person(), await coder()]) {
			try {
				const jsm = await jetstreamManager(nc);
				// Reading is allowed: the app and the SDK check every stream before they use it.
				expect((await checkStorage(nc)).map((r) => r.outcome)).toEqual(STORAGE.map(() => 'found'));
				const inbox = await jsm.streams.info(INBOX_STREAM);
				for (const act of [
					() => jsm.streams.add({ name: 'PLANTED', subjects: ['_INBOX_grace.>'], max_age: 2_000_000_000 }),
					() => jsm.streams.update(INBOX_STREAM, { ...inbox.config, max_age: 2_000_000_000 }),
					() => jsm.streams.purge(INBOX_STREAM),
					() => jsm.streams.deleteMessage(INBOX_STREAM, 1),
					() => jsm.streams.delete(ANSWERS_STREAM)
				])
					expect(await refused(act)).toMatch(/Permissions Violation/iu);
			} finally {
				await nc.close();
			}
		}
	});

	it('keeps a person’s second answer out, and an agent writes no answer record at all', async () => {
		const ada = await person();
		const agent = await coder();
		try {
			const key = questionKey('coder-1', `secure-${Date.now()}`);
			const js = jetstream(ada);
			await js.publish(answerSubject(key), JSON.stringify({ first: true }), {
				expect: { lastSubjectSequence: 0 }
			});
			expect(await refused(() => js.publish(answerSubject(key), JSON.stringify({ second: true })))).toMatch(
				/maximum messages per subject/u
			);
			expect(
				await refused(() => jetstream(agent).publish(answerSubject(questionKey('coder-1', 'other')), '{}'))
			).toMatch(/Permissions Violation|no responders/iu);
			const kept = await (
				await jetstreamManager(ada)
			).streams.getMessage(ANSWERS_STREAM, {
				last_by_subj: answerSubject(key)
			});
			expect(kept?.json()).toEqual({ first: true });
		} finally {
			await ada.close();
			await agent.close();
		}
	});
});
