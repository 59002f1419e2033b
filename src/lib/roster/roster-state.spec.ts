/** The roster of a page against a real server: history for late joiners, Volta's registry, the 90 s rule. */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
	jsonBytes,
	seedHeartbeat,
	seedStatusUpdate,
	voltaAnnounce,
	voltaHeartbeat
} from '$lib/protocol/fixtures';
import { agentState, toListedAgents } from './roster';
import { until } from '../../../tests/helpers/watching';
import { BusConnection } from '$lib/connection/ui';
import { InboxState } from '$lib/inbox/ui';
import { REGISTRY_HEADER, RosterState } from './roster.svelte';
import { TrafficFeed } from '$lib/traffic/ui';

const wsUrl = inject('wsUrl');
const natsUrl = inject('natsUrl');
let agent: NatsConnection;
const consoles: Array<{ bus: BusConnection; roster: RosterState; feed: TrafficFeed }> = [];

beforeAll(async () => {
	agent = await connect({ servers: natsUrl });
});
afterAll(() => agent.close());
afterEach(async () => {
	for (const c of consoles.splice(0)) {
		c.roster.stop();
		c.feed.stop();
		await c.bus.leave();
	}
});

async function openConsole(clock?: () => number) {
	const bus = new BusConnection();
	await bus.join({ servers: [wsUrl], name: 'Ada' });
	const feed = new TrafficFeed(bus, { schedule: (flush) => setTimeout(flush, 0) });
	const roster = new RosterState(bus, feed, { clock });
	feed.start();
	roster.start();
	consoles.push({ bus, roster, feed });
	await until(() => roster.history.state !== 'loading' && roster.history.state !== 'idle', 'history');
	return roster;
}

const unique = () => Math.random().toString(36).slice(2, 8);

describe('RosterState', () => {
	it('shows a long history whole once read, never half of it: nobody is half known', async () => {
		await openConsole(); // the presence streams exist from here on
		// A person as a page announces them: Volta's announcement (its own stream, replayed first) and
		// the orchestrator's status update, with a crowd's heartbeats between the two in the history.
		const person = `person-${unique()}`;
		agent.publish('agent.announce', jsonBytes(voltaAnnounce({ id: person, name: 'Grace' })));
		const prefix = `crowd-${unique()}`;
		for (let i = 0; i < 1_500; i++)
			agent.publish(
				'orchestrator.broadcast.heartbeat',
				jsonBytes(seedHeartbeat({ from_agent: `${prefix}-${i}` }))
			);
		agent.publish(
			'orchestrator.broadcast.status_update',
			jsonBytes(seedStatusUpdate({ from_agent: person, content: { status: 'online' } }))
		);
		await agent.flush();
		const bus = new BusConnection();
		await bus.join({ servers: [wsUrl], name: 'Ada' });
		const feed = new TrafficFeed(bus, { schedule: (flush) => setTimeout(flush, 0) });
		const roster = new RosterState(bus, feed);
		consoles.push({ bus, roster, feed });
		// What the page would draw meanwhile, turn by turn: how much of the crowd, and how the person.
		const shown = new Set<number>();
		const personAs = new Set<string>();
		const look = setInterval(() => {
			let crowd = 0;
			for (const id of roster.agents.keys()) if (id.startsWith(prefix)) crowd++;
			shown.add(crowd);
			const seen = roster.agents.get(person);
			if (seen) personAs.add(seen.dialects.join('+'));
		}, 0);
		roster.start();
		await until(() => roster.history.state === 'ready', 'the history to be read', 20_000);
		clearInterval(look);
		expect(roster.agents.get(person)).toMatchObject({ name: 'Grace', dialects: ['volta', 'seed'] });
		// Ping-able from the first moment it is shown: never only Volta's (which has no ping).
		expect([...personAs]).toEqual(['volta+seed']);
		expect([...roster.agents.keys()].filter((id) => id.startsWith(prefix))).toHaveLength(1_500);
		expect([...shown].sort((a, b) => a - b)).toEqual([0, 1_500]);
	});

	it('shows a console that joins later everyone at once, from history kept in JetStream', async () => {
		// The first console creates the presence streams; the agents speak before the late console opens.
		const first = await openConsole();
		expect(first.history).toMatchObject({ state: 'ready' });
		const volta = `volta-${unique()}`;
		const seed = `coder-2.1-${unique()}`;
		agent.publish(
			'agent.announce',
			jsonBytes(voltaAnnounce({ id: volta, name: 'Late Volta', timestamp: new Date().toISOString() }))
		);
		agent.publish(
			`agent.${volta}.heartbeat`,
			jsonBytes(voltaHeartbeat({ agentId: volta, timestamp: new Date().toISOString() }))
		);
		agent.publish('orchestrator.broadcast.heartbeat', jsonBytes(seedHeartbeat({ from_agent: seed })));
		await agent.flush();
		await until(() => first.agents.has(seed) && first.agents.has(volta), 'the first console to see both');

		const started = Date.now();
		const late = await openConsole();
		expect(Date.now() - started).toBeLessThan(1_000);
		expect(late.agents.get(volta)).toMatchObject({ name: 'Late Volta', dialects: ['volta'] });
		expect(late.agents.get(seed)).toMatchObject({ kind: 'external', dialects: ['seed'] });
		expect(agentState(late.agents.get(seed)!, late.now)).toBe('online');
	});

	it('answers Volta Shell’s mcp.list_agents with the roster in Volta’s format', async () => {
		const roster = await openConsole();
		const id = `volta-${unique()}`;
		agent.publish('agent.announce', jsonBytes(voltaAnnounce({ id, name: 'Listed', capabilities: ['code'] })));
		await until(() => roster.agents.has(id), 'the announce');
		const reply = await agent.request(
			'mcp.list_agents',
			JSON.stringify({
				action: 'list_agents',
				status: 'all',
				requestFrom: 'volta-asker',
				timestamp: new Date().toISOString()
			}),
			{ timeout: 2_000 }
		);
		const listed = reply.json<Array<Record<string, unknown>>>();
		expect(Array.isArray(listed)).toBe(true);
		expect(listed).toContainEqual({
			id,
			name: 'Listed',
			status: 'online',
			lastSeen: expect.stringMatching(/Z$/),
			capabilities: ['code']
		});
		for (const entry of listed)
			expect(Object.keys(entry).sort()).toEqual(['capabilities', 'id', 'lastSeen', 'name', 'status']);

		const bad = await agent.request('mcp.list_agents', '{"action":"dance"}', { timeout: 2_000 });
		expect(bad.json()).toMatchObject({ error: expect.stringContaining('list_agents') });
	});

	it('gives the same mcp.list_agents answer on every console, whenever it joined: what the server keeps', async () => {
		const tag = unique();
		const [heartbeating, asking, whispering] = [`hb-${tag}`, `asker-${tag}`, `direct-${tag}`];
		const early = await openConsole();
		const earlyInbox = new InboxState(consoles[0].bus, consoles[0].feed);
		const envelope = (from: string, type: string, content: Record<string, unknown>) =>
			JSON.stringify({
				from_agent: from,
				to_agent: null,
				message_type: type,
				content,
				timestamp: new Date().toISOString().replace('Z', ''),
				correlation_id: null
			});
		agent.publish(
			'orchestrator.broadcast.heartbeat',
			jsonBytes(
				seedHeartbeat({ from_agent: heartbeating, timestamp: new Date().toISOString().replace('Z', '') })
			)
		);
		// Known only from its question (kept by the inbox stream, not the presence streams).
		agent.publish('orchestrator.broadcast.question', envelope(asking, 'question', { question: 'Anyone?' }));
		// Heard only live, on a subject nobody keeps: a later console cannot know it.
		agent.publish(
			`orchestrator.agent.someone-${tag}.coordination_request`,
			envelope(whispering, 'coordination_request', {})
		);
		await until(
			() => [heartbeating, asking, whispering].every((id) => early.agents.has(id)),
			'the early console'
		);

		// A console opened now, with its inbox folding the kept questions into its roster as the page does.
		const late = await openConsole();
		const lateConsole = consoles[1];
		const inbox = new InboxState(lateConsole.bus, lateConsole.feed);
		const stopFolding = inbox.onReplayed(late.foldStored);
		inbox.start({ id: `late-${tag}`, name: 'Late', kind: 'human', capabilities: [] });
		await until(() => late.agents.has(asking), 'the late console to learn the asker from the inbox stream');

		const mine = (roster: RosterState) =>
			toListedAgents(roster.agents, 'all', Date.now())
				.filter((a) => a.id.endsWith(tag))
				.map((a) => ({ id: a.id, status: a.status, lastSeen: a.lastSeen }))
				.sort((a, b) => a.id.localeCompare(b.id));
		expect(mine(early)).toEqual(mine(late));
		expect(mine(early).map((a) => a.id)).toEqual([asking, heartbeating]);
		stopFolding();
		inbox.stop();
		earlyInbox.stop();
	});

	it('stays silent beside Volta’s own registry, so a client gets one answer; answers again when it is gone', async () => {
		const roster = await openConsole();
		await until(() => roster.registry.state === 'answering', 'the console to answer');
		const ask = async () =>
			(await consoles[0].bus.requestAll('mcp.list_agents', jsonBytes({ action: 'list_agents' }), 1_000)).map(
				(reply) => (reply.headers?.has(REGISTRY_HEADER) ? 'switchboard' : 'volta')
			);
		expect(await ask()).toEqual(['switchboard']);

		// Volta's registry, as Volta runs it: a plain responder on mcp.list_agents, in no queue group.
		const volta = await connect({ servers: natsUrl });
		const registry = volta.subscribe('mcp.list_agents', {
			callback: (_e, msg) => {
				msg.respond('[]');
			}
		});
		await volta.flush();
		await roster.probeRegistry();
		expect(roster.registry).toMatchObject({ state: 'silent', reason: expect.stringContaining('Volta') });
		expect(await ask()).toEqual(['volta']);

		registry.unsubscribe();
		await volta.close();
		await roster.probeRegistry();
		expect(roster.registry.state).toBe('answering');
		expect(await ask()).toEqual(['switchboard']);
	});

	it('answers mcp.get_agent_info with one agent in the same format, or an error in words', async () => {
		const roster = await openConsole();
		const id = `volta-${unique()}`;
		agent.publish(
			'agent.announce',
			jsonBytes(voltaAnnounce({ id, name: 'Asked about', capabilities: ['review'] }))
		);
		await until(() => roster.agents.has(id), 'the announce');
		const ask = async (body: unknown) =>
			(await agent.request('mcp.get_agent_info', JSON.stringify(body), { timeout: 2_000 })).json();
		expect(await ask({ action: 'get_agent_info', agentId: id, requestFrom: 'volta-asker' })).toEqual({
			id,
			name: 'Asked about',
			status: 'online',
			lastSeen: expect.stringMatching(/Z$/),
			capabilities: ['review']
		});
		expect(await ask({ agentId: 'nobody-here' })).toEqual({
			error: 'No agent with id nobody-here has been seen on this bus.'
		});
		expect(await ask({ action: 'get_agent_info' })).toMatchObject({
			error: expect.stringContaining('agentId')
		});
	});

	it('turns a silent agent stale after 90 s and offline after 5 min (injected clock)', async () => {
		let now = Date.now();
		const roster = await openConsole(() => now);
		const id = `quiet-${unique()}`;
		agent.publish('orchestrator.broadcast.heartbeat', jsonBytes(seedHeartbeat({ from_agent: id })));
		await until(() => roster.agents.has(id), 'the heartbeat');
		const seenAt = roster.agents.get(id)!.lastSeen;

		now = seenAt + 89_000;
		await until(() => roster.now === now, 'the clock');
		expect(agentState(roster.agents.get(id)!, roster.now)).toBe('online');
		now = seenAt + 91_000;
		await until(() => roster.now === now, 'the clock');
		expect(roster.visible.find((a) => a.id === id) && agentState(roster.agents.get(id)!, roster.now)).toBe(
			'stale'
		);
		now = seenAt + 5 * 60_000 + 1;
		await until(() => roster.now === now, 'the clock');
		expect(agentState(roster.agents.get(id)!, roster.now)).toBe('offline');
	});
});
