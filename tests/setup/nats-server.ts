/** Vitest global setup: one real nats-server for the run, on free ports, stopped at the end. */
import type { TestProject } from 'vitest/node';
import { startTestServer } from '../helpers/nats-server';

export default async function setup(project: TestProject) {
	const server = await startTestServer();
	project.provide('natsUrl', server.natsUrl);
	project.provide('wsUrl', server.wsUrl);
	return () => server.stop();
}

declare module 'vitest' {
	export interface ProvidedContext {
		natsUrl: string;
		wsUrl: string;
	}
}
