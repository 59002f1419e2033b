/** Presence against a real server: what other agents, of either dialect, see and get back. */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decode, HeartbeatContentSchema, type AgentIdentity } from '../protocol';
import { seedReceiverAccepts } from '../protocol/fixtures';
import { record, until } from '../../../tests/helpers/watching';
import { AgentPresence, SERVICE_NAME } from './agent-presence';
import type { Ticker } from './ticker';

const natsUrl = inject('natsUrl');
let nc: NatsConnection;
let observer: NatsConnection;

beforeAll(async () => {
	nc = await connect({ servers: natsUrl });
	observer = await connect({ servers: natsUrl });
});
afterAll(async () => {
	await nc.close();
	await observer.close();
});

/** A ticker the test advances by hand. */
function manualTicker() {
	const ticks: Array<() => void> = [];
	const ticker: Ticker = {
		every: (_ms, tick) => {
			ticks.push(tick);
			return () => ticks.splice(ticks.indexOf(tick), 1);
		}
	};
	return { ticker, tick: () => ticks.forEach((t) => t()), active: () => ticks.length };
}

let counter = 0;
function identity(): AgentIdentity {
	counter += 1;
	return {
		id: `ada-t${counter}${Date.now() % 10000}`,
		name: 'Ada',
		kind: 'human',
		team: 'platform',
		capabilities: ['review']
	};
}

describe('AgentPresence', () => {
	it('announces in both dialects, in formats the seed receivers accept', async () => {
		const me = identity();
		const seed = record(observer, 'orchestrator.broadcast.>');
		const volta = record(observer, 'agent.>');
		await observer.flush();
		const presence = new AgentPresence(nc, me, { ticker: manualTicker().ticker });
		await presence.start();
		await until(
			() => seed.messages.length >= 2 && volta.messages.length >= 3,
			'announce and first heartbeat'
		);

		const announce = seed.messages.find((m) => m.subject === 'orchestrator.broadcast.status_update')!;
		expect(seedReceiverAccepts(announce.data)).toBe(true);
		expect(announce.json()).toMatchObject({
			from_agent: me.id,
			to_agent: null,
			message_type: 'status_update',
			content: { status: 'online', kind: 'human', name: 'Ada', team: 'platform', capabilities: ['review'] },
			correlation_id: null
		});

		const heartbeat = seed.messages.find((m) => m.subject === 'orchestrator.broadcast.heartbeat')!;
		expect(seedReceiverAccepts(heartbeat.data)).toBe(true);
		const envelope = heartbeat.json<{ content: unknown; message_type: string }>();
		expect(envelope.message_type).toBe('heartbeat');
		expect(HeartbeatContentSchema.safeParse(envelope.content).success).toBe(true);

		for (const msg of volta.messages) {
			expect(decode(msg.subject, msg.data), msg.subject).toMatchObject({ ok: true, dialect: 'volta' });
		}
		expect(volta.messages.map((m) => m.subject).sort()).toEqual(
			['agent.announce', `agent.${me.id}.heartbeat`, `agent.${me.id}.status`].sort()
		);
		seed.stop();
		volta.stop();
		await presence.leave();
	});

	it('heartbeats on every tick of its clock, and stops the clock on leave', async () => {
		const me = identity();
		const clock = manualTicker();
		const heartbeats = record(observer, 'orchestrator.broadcast.heartbeat');
		await observer.flush();
		const presence = new AgentPresence(nc, me, { ticker: clock.ticker });
		await presence.start();
		clock.tick();
		clock.tick();
		await until(
			() => heartbeats.json().filter((m) => m.body.from_agent === me.id).length === 3,
			'three heartbeats'
		);
		await presence.leave();
		expect(clock.active()).toBe(0);
		heartbeats.stop();
	});

	it('sends Volta’s status keep-alive on every tick, so Volta’s registry keeps it online', async () => {
		const me = identity();
		const clock = manualTicker();
		const statuses = record(observer, `agent.${me.id}.status`);
		await observer.flush();
		const presence = new AgentPresence(nc, me, { ticker: clock.ticker });
		await presence.start();
		await until(() => statuses.messages.length === 1, 'the status at join');
		clock.tick();
		clock.tick();
		await until(() => statuses.messages.length === 3, 'a status on each of two ticks');
		for (const { body } of statuses.json())
			expect(body).toMatchObject({
				agentId: me.id,
				status: 'online',
				timestamp: expect.stringMatching(/Z$/u)
			});
		await presence.leave();
		statuses.stop();
	});

	it('answers the seed’s ping by request/reply with a pong envelope', async () => {
		const me = identity();
		const presence = new AgentPresence(nc, me, { ticker: manualTicker().ticker });
		await presence.start();
		const ping = {
			from_agent: 'orchestrator.monitor',
			to_agent: me.id,
			message_type: 'ping',
			content: {},
			timestamp: '2025-12-07T23:11:11.123456',
			correlation_id: 'orchestrator.monitor-1733409071.123456'
		};
		const reply = await observer.request(`orchestrator.agent.${me.id}.ping`, JSON.stringify(ping), {
			timeout: 2000
		});
		expect(seedReceiverAccepts(reply.data)).toBe(true);
		expect(reply.json()).toMatchObject({
			from_agent: me.id,
			to_agent: 'orchestrator.monitor',
			message_type: 'pong',
			correlation_id: 'orchestrator.monitor-1733409071.123456'
		});
		await presence.leave();
	});

	it('answers a ping published without a reply subject on the pinger’s pong subject', async () => {
		const me = identity();
		const presence = new AgentPresence(nc, me, { ticker: manualTicker().ticker });
		await presence.start();
		const pongs = record(observer, 'orchestrator.agent.coder-2.1-1733409000.pong');
		await observer.flush();
		observer.publish(
			`orchestrator.agent.${me.id}.ping`,
			JSON.stringify({
				from_agent: 'coder-2.1-1733409000',
				message_type: 'ping',
				content: {},
				timestamp: '2025-12-07T23:11:11'
			})
		);
		await until(() => pongs.messages.length === 1, 'a pong');
		expect(pongs.json()[0].body).toMatchObject({ from_agent: me.id, message_type: 'pong' });
		pongs.stop();
		await presence.leave();
	});

	it('is listed by the NATS services protocol ($SRV.PING and $SRV.INFO)', async () => {
		const me = identity();
		const presence = new AgentPresence(nc, me, { ticker: manualTicker().ticker });
		await presence.start();
		const ping = await observer.request(`$SRV.PING.${SERVICE_NAME}.${me.id}`, '', { timeout: 2000 });
		expect(ping.json()).toMatchObject({
			type: 'io.nats.micro.v1.ping_response',
			name: 'switchboard',
			id: me.id,
			version: '0.1.0',
			metadata: { kind: 'human', name: 'Ada', team: 'platform', agent_id: me.id }
		});
		const info = await observer.request(`$SRV.INFO.${SERVICE_NAME}.${me.id}`, '', { timeout: 2000 });
		expect(info.json()).toMatchObject({
			type: 'io.nats.micro.v1.info_response',
			endpoints: [{ name: 'ping', subject: `orchestrator.agent.${me.id}.ping` }]
		});
		const stats = await observer.request(`$SRV.STATS.${SERVICE_NAME}.${me.id}`, '', { timeout: 2000 });
		expect(stats.json()).toMatchObject({ type: 'io.nats.micro.v1.stats_response', id: me.id });
		await presence.leave();
	});

	it('leaves in both dialects and stops answering', async () => {
		const me = identity();
		const presence = new AgentPresence(nc, me, { ticker: manualTicker().ticker });
		await presence.start();
		const seen = record(observer, '>');
		await observer.flush();
		await presence.leave();
		await until(() => seen.messages.length >= 2, 'the goodbye');
		const bodies = seen.json();
		expect(bodies).toContainEqual({
			subject: 'orchestrator.broadcast.status_update',
			body: expect.objectContaining({
				from_agent: me.id,
				content: expect.objectContaining({ status: 'offline' })
			})
		});
		expect(bodies).toContainEqual({
			subject: `agent.${me.id}.status`,
			body: expect.objectContaining({ agentId: me.id, status: 'offline' })
		});
		seen.stop();
		await expect(
			observer.request(`orchestrator.agent.${me.id}.ping`, '{}', { timeout: 500 })
		).rejects.toThrow();
	});
});
