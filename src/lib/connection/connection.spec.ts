/**
 * The browser's connection code against a real nats-server over WebSocket (Node's WebSocket is the
 * same W3C API the browser has), with agents on the official TCP client.
 */
import { connect } from '@nats-io/transport-node';
import { wsconnect } from '@nats-io/nats-core';
import { describe, expect, inject, it } from 'vitest';
import { jsonBytes, seedQuestion, seedStatusUpdate, voltaHeartbeat } from '$lib/protocol/fixtures';
import { until } from '../../../tests/helpers/watching';
import { busesLeftAfterEach } from '../../../tests/helpers/bus-connections';
import { startTestServer } from '../../../tests/helpers/nats-server';
import { TrafficFeed } from '$lib/traffic/ui';

const wsUrl = inject('wsUrl');
const natsUrl = inject('natsUrl');

const newBus = busesLeftAfterEach();

/** A seed heartbeat numbered `n` in its content. */
const numberedHeartbeat = (n: number) =>
	seedStatusUpdate({ message_type: 'heartbeat', content: { status: 'alive', n } });

describe('BusConnection', () => {
	it('joins over WebSocket and reports the server’s facts', async () => {
		const bus = newBus();
		expect(await bus.join({ servers: [wsUrl], name: 'Ada' })).toBe(true);
		expect(bus.status).toEqual({ state: 'connected', server: expect.stringContaining('127.0.0.1') });
		expect(bus.server).toMatchObject({ name: 'switchboard-local', jetstream: true, maxPayload: 1048576 });
		expect(await bus.rtt()).toBeGreaterThanOrEqual(0);
	});

	it('says in words why it could not join, and what to do', async () => {
		const bus = newBus();
		expect(await bus.join({ servers: ['ws://127.0.0.1:1'], name: 'Ada' })).toBe(false);
		expect(bus.status).toMatchObject({
			state: 'closed',
			reason: expect.stringContaining('ws://127.0.0.1:1')
		});
		expect(bus.status.state === 'closed' && bus.status.reason).toMatch(/npm start/);
	});

	it('leaves cleanly: the status says closed without an error', async () => {
		const bus = newBus();
		await bus.join({ servers: [wsUrl], name: 'Ada' });
		await bus.leave();
		expect(bus.status).toEqual({ state: 'closed', reason: null });
		expect(() => bus.publish('x', new Uint8Array())).toThrow('Not connected');
	});

	it('shows reconnecting while the server is down and comes back by itself', async () => {
		const server = await startTestServer();
		try {
			const bus = newBus();
			await bus.join({ servers: [server.wsUrl], name: 'Ada' });
			await server.kill();
			await until(() => bus.status.state === 'reconnecting', 'reconnecting');
			let reconnects = 0;
			bus.onReconnect(() => (reconnects += 1));
			await server.start();
			await until(() => bus.status.state === 'connected', 'connected again', 20_000);
			expect(reconnects).toBe(1);
		} finally {
			await server.stop();
		}
	});
	it('takes a connection busy reading a backlog for a live one, and drops nothing it was sent', async () => {
		// Pings every 50 ms, so that a backlog of 3 s leaves many unanswered: the
		// server answers a PING in order, behind everything it already queued for this reader.
		const bus = newBus((options) => wsconnect({ ...options, pingInterval: 50 }));
		await bus.join({ servers: [wsUrl], name: 'Ada' });
		let reconnects = 0;
		bus.onReconnect(() => (reconnects += 1));
		const states = new Set<string>();
		const watching = setInterval(() => states.add(bus.status.state), 5);
		// The pings did go unanswered: otherwise this test would pass on any code.
		let mostPending = 0;
		void (async () => {
			for await (const event of bus.nats.status())
				if (event.type === 'ping') mostPending = Math.max(mostPending, event.pendingPings);
		})();
		const subject = `backlog.${Date.now()}`;
		let received = 0;
		// A reader slower than the sender, as a page on a slow machine is during a flood.
		bus.subscribe(subject, () => {
			received += 1;
			const until = performance.now() + 0.3;
			while (performance.now() < until);
		});
		await bus.flush();
		const agent = await connect({ servers: natsUrl });
		const sent = 10_000;
		try {
			const payload = new Uint8Array(256);
			for (let i = 0; i < sent; i++) agent.publish(subject, payload);
			await agent.flush();
			await until(
				() => received === sent || reconnects > 0,
				'the backlog read, or the connection dropped',
				15_000
			);
			await bus.flush();
		} finally {
			clearInterval(watching);
			await agent.close();
		}
		expect({ received, reconnects, states: [...states] }).toEqual({
			received: sent,
			reconnects: 0,
			states: ['connected']
		});
		expect(mostPending).toBeGreaterThan(2);
	});
});

describe('TrafficFeed', () => {
	it('lists seed and Volta traffic from agents on TCP, and flags what is invalid', async () => {
		const bus = newBus();
		await bus.join({ servers: [wsUrl], name: 'Ada' });
		const feed = new TrafficFeed(bus, { schedule: (flush) => setTimeout(flush, 0) });
		feed.start();
		await bus.flush();

		const agent = await connect({ servers: natsUrl });
		try {
			agent.publish('orchestrator.broadcast.status_update', jsonBytes(seedStatusUpdate()));
			agent.publish('agent.volta-claude-1.heartbeat', jsonBytes(voltaHeartbeat()));
			agent.publish('orchestrator.broadcast.question', 'this is not JSON');
			agent.publish('unrelated.subject', 'not shown');
			await agent.flush();
			await until(() => feed.total === 3, 'three messages');
		} finally {
			await agent.close();
		}

		const [invalid, heartbeat, status] = feed.entries;
		expect(status.summary).toMatchObject({
			type: 'status_update',
			from: 'coder-2.1-1733409000',
			valid: true
		});
		expect(heartbeat.summary).toMatchObject({ type: 'heartbeat', from: 'volta-claude-1', valid: true });
		expect(invalid.summary).toMatchObject({ valid: false, problem: expect.stringMatching(/not JSON/) });
		expect(feed.invalid).toBe(1);
		feed.stop();
	});

	it('says a subject the person adds is starting until the server has it, and then misses nothing on it', async () => {
		const bus = newBus();
		await bus.join({ servers: [wsUrl], name: 'Ada' });
		const feed = new TrafficFeed(bus, { schedule: (flush) => setTimeout(flush, 0) });
		feed.start();
		expect(feed.addSubject('work.>')).toBeNull();
		expect([...feed.starting]).toEqual(['work.>']);
		await until(() => feed.starting.size === 0, 'the server to confirm the subscription');
		const agent = await connect({ servers: natsUrl });
		try {
			agent.publish('work.jobs', 'one');
			await agent.flush();
			await until(() => feed.total === 1, 'the message on the added subject');
		} finally {
			await agent.close();
			feed.stop();
		}
	});

	it('keeps memory bounded: at most `limit` entries, counting all', async () => {
		const bus = newBus();
		await bus.join({ servers: [wsUrl], name: 'Ada' });
		const feed = new TrafficFeed(bus, { limit: 50, schedule: (flush) => setTimeout(flush, 0) });
		feed.start(['orchestrator.broadcast.>']);
		await bus.flush();
		const agent = await connect({ servers: natsUrl });
		try {
			for (let i = 0; i < 500; i++) {
				agent.publish('orchestrator.broadcast.heartbeat', jsonBytes(numberedHeartbeat(i)));
			}
			await agent.flush();
			await until(() => feed.total === 500, '500 messages');
		} finally {
			await agent.close();
		}
		expect(feed.entries).toHaveLength(50);
		expect(feed.entries[0].summary.preview).toContain('"n":499');
		feed.stop();
	});

	it('redraws a flood at most every 100 ms, and catches up on the first quiet frame', async () => {
		const bus = newBus();
		await bus.join({ servers: [wsUrl], name: 'Ada' });
		const frames: Array<() => void> = [];
		let now = 1_000;
		const feed = new TrafficFeed(bus, { schedule: (flush) => frames.push(flush), clock: () => now });
		let arrived = 0;
		feed.listen(() => (arrived += 1));
		feed.start(['orchestrator.broadcast.>']);
		await bus.flush();
		const agent = await connect({ servers: natsUrl });
		const burst = async (n: number) => {
			const target = arrived + n;
			for (let i = 0; i < n; i++)
				agent.publish('orchestrator.broadcast.status_update', jsonBytes(seedStatusUpdate()));
			await agent.flush();
			await until(() => arrived === target, `${target} messages`);
		};
		const frame = (at: number) => {
			now = at;
			for (const flush of frames.splice(0)) flush();
		};
		try {
			await burst(200);
			frame(1_000); // the first flood frame draws at once
			expect([feed.version, feed.total]).toEqual([1, 200]);

			await burst(100);
			frame(1_016); // still flooding, drawn 16 ms ago: stays behind, counts included
			expect([feed.version, feed.total]).toEqual([1, 200]);
			frame(1_032); // a quiet frame catches up
			expect([feed.version, feed.total]).toEqual([2, 300]);

			await burst(100);
			frame(1_048);
			await burst(100);
			frame(1_140); // flooding, but 108 ms since the last draw
			expect([feed.version, feed.total]).toEqual([3, 500]);

			await burst(10);
			frame(1_150); // a trickle is drawn every frame
			expect([feed.version, feed.total]).toEqual([4, 510]);
			expect(frames).toHaveLength(0);
		} finally {
			await agent.close();
			feed.stop();
		}
	});
	it('takes a question in at once behind a burst of routine traffic, and the burst in slices, in order', async () => {
		const bus = newBus();
		await bus.join({ servers: [wsUrl], name: 'Ada' });
		const tasks: Array<() => void> = [];
		const frames: Array<() => void> = [];
		let now = 0;
		// Every look at the clock costs a millisecond, so a slice ends after a few hundred messages.
		const feed = new TrafficFeed(bus, {
			schedule: (flush) => frames.push(flush),
			nextTask: (task) => tasks.push(task),
			clock: () => (now += 1)
		});
		const heard: string[] = [];
		feed.listen((entry) =>
			heard.push(entry.summary.type === 'question' ? 'question' : entry.summary.preview)
		);
		feed.start(['orchestrator.broadcast.>']);
		await bus.flush();
		const agent = await connect({ servers: natsUrl });
		try {
			for (let i = 0; i < 600; i++)
				agent.publish(
					'orchestrator.broadcast.status_update',
					jsonBytes(seedStatusUpdate({ content: { status: 'started', n: i } }))
				);
			agent.publish('orchestrator.broadcast.status_update', new TextEncoder().encode('{ not json'));
			agent.publish('orchestrator.broadcast.question', jsonBytes(seedQuestion()));
			await agent.flush();
			await until(() => feed.entries.length === 602, 'all 602 messages listed');
			// Listed in the order they came; the question heard first, the rest not yet decoded.
			expect(feed.entries[0].subject).toBe('orchestrator.broadcast.question');
			expect(heard).toEqual(['question']);
			expect(tasks).toHaveLength(1);

			tasks.shift()!();
			expect(heard.length).toBeGreaterThan(1);
			expect(heard.length).toBeLessThan(602);
			expect(tasks).toHaveLength(1); // the rest, in another slice
			while (tasks.length) tasks.shift()!();
			expect(heard).toHaveLength(602);
			const order = heard.slice(1, 601).map((preview) => Number(/"n":(\d+)/u.exec(preview)?.[1]));
			expect(order).toEqual([...Array(600).keys()]);

			for (const flush of frames.splice(0)) flush();
			expect([feed.total, feed.invalid, feed.decoding]).toEqual([602, 1, 0]);
		} finally {
			await agent.close();
			feed.stop();
		}
	});
	it('keeps reading a long backlog in order while letting go of what it has read', async () => {
		const bus = newBus();
		await bus.join({ servers: [wsUrl], name: 'Ada' });
		const tasks: Array<() => void> = [];
		let now = 0;
		const feed = new TrafficFeed(bus, {
			limit: 100,
			schedule: (flush) => setTimeout(flush, 0),
			nextTask: (task) => tasks.push(task),
			clock: () => (now += 1)
		});
		const heard: number[] = [];
		feed.listen((entry) => heard.push(Number(/"n":(\d+)/u.exec(entry.summary.preview)?.[1])));
		feed.start(['orchestrator.broadcast.>']);
		await bus.flush();
		const agent = await connect({ servers: natsUrl });
		try {
			const sent = 10_000;
			for (let i = 0; i < sent; i++) {
				agent.publish('orchestrator.broadcast.heartbeat', jsonBytes(numberedHeartbeat(i)));
				if (i % 2_000 === 1_999) await agent.flush();
			}
			await agent.flush();
			await until(() => feed.total === sent, `${sent} messages counted`);
			let slices = 0;
			while (tasks.length) {
				tasks.shift()!();
				slices += 1;
			}
			// A slice reads about 256 here, so the backlog was cut down to what was left more than once.
			expect(slices).toBeGreaterThan(30);
			expect(heard).toEqual([...Array(sent).keys()]);
			await until(() => feed.decoding === 0, 'nothing left to read');
		} finally {
			await agent.close();
			feed.stop();
		}
	});
});
