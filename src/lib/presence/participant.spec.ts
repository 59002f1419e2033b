/**
 * A person's join against a real server: what it waits for before saying who it is, and a join whose
 * preparation fails, which ends in words and says nothing on the bus.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { BusConnection } from '../connection/ui';
import { voltaSubjects } from '../protocol';
import { record, until } from '../../../tests/helpers/watching';
import { Participant } from './participant.svelte';

const natsUrl = inject('natsUrl');
const wsUrl = inject('wsUrl');
let observer: NatsConnection;

beforeAll(async () => {
	observer = await connect({ servers: natsUrl });
});
afterAll(async () => {
	await observer.close();
});

it('loads what will listen while connecting, and says who it is only once that listens: its own announce is heard', async () => {
	const bus = new BusConnection();
	const participant = new Participant(bus);
	const heard: string[] = [];
	const steps: string[] = [];
	participant.beforeJoined(async () => {
		steps.push(bus.connected ? 'preparing after connecting' : 'preparing before connected');
		// What a slow chunk would do: still loading after the connection is up.
		await until(() => bus.connected, 'the connection');
		await new Promise((resolve) => setTimeout(resolve, 50));
		bus.nats.subscribe(voltaSubjects.announce, {
			callback: (_error, msg) => void heard.push(msg.json<{ id: string }>().id)
		});
		steps.push('listening');
	});
	participant.onJoined(() => steps.push('joined'));
	expect(await participant.join({ servers: [wsUrl], name: 'Prepared Ada' })).toBe(true);
	const me = participant.identity!.id;
	await until(() => heard.includes(me), 'the console to hear its own announce');
	expect(steps).toEqual(['preparing before connected', 'listening', 'joined']);
	await participant.leave();
});

it('a preparation that fails ends the join with what to do, and nothing is said on the bus', async () => {
	const announces = record(observer, voltaSubjects.announce);
	await observer.flush();
	const bus = new BusConnection();
	const participant = new Participant(bus);
	participant.beforeJoined(async () => {
		throw new Error('Failed to fetch dynamically imported module');
	});
	let told = false;
	participant.onJoined(() => (told = true));
	expect(await participant.join({ servers: [wsUrl], name: 'Stranded Grace' })).toBe(false);
	expect(bus.status).toEqual({
		state: 'closed',
		reason:
			'The console could not be loaded (Failed to fetch dynamically imported module). Reload the page and join again; if Switchboard was just updated, the page you have is out of date.'
	});
	expect(bus.connected).toBe(false);
	expect(participant.identity).toBeNull();
	expect(told).toBe(false);
	await observer.flush();
	expect(announces.json().filter(({ body }) => JSON.stringify(body).includes('Stranded Grace'))).toEqual([]);
	announces.stop();
});
