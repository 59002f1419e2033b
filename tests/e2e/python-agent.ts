/**
 * A fresh orchestrator agent in Python (tests/agents/orchestrator_agent.py, official nats-py client)
 * for each test of a file, already listening on its own subjects (`subscribe_to_agent_messages`).
 */
import { test } from '@playwright/test';
import { pythonWithNats, startPythonAgent, type PythonAgent } from '../helpers/python-agent';
import { natsUrl } from './env';

const unique = () => Math.random().toString(36).slice(2, 7);

export interface PythonAgentPerTest extends Pick<PythonAgent, 'do' | 'next' | 'handled'> {
	/** This test's agent id: `{prefix}-{random}`. */
	readonly id: string;
	readonly events: PythonAgent['events'];
}

/** Registers the file's hooks; `obey` makes the agent obey steering orders (see the agent's docstring). */
export function pythonAgentPerTest(prefix: string, options: { obey?: boolean } = {}): PythonAgentPerTest {
	let agent: PythonAgent | null = null;
	let id = '';
	test.beforeAll(() => {
		test.setTimeout(180_000);
		pythonWithNats();
	});
	test.beforeEach(async () => {
		id = `${prefix}-${unique()}`;
		agent = await startPythonAgent(natsUrl, id);
		agent.do({ do: 'subscribe' });
		await agent.next('subscribed');
		if (options.obey) agent.do({ do: 'obey' });
	});
	test.afterEach(async () => {
		await agent?.stop();
		agent = null;
	});
	const running = () => {
		if (!agent) throw new Error('The Python agent runs only inside a test.');
		return agent;
	};
	return {
		get id() {
			return id;
		},
		get events() {
			return running().events;
		},
		do: (command) => running().do(command),
		next: (event, n, timeoutMs) => running().next(event, n, timeoutMs),
		handled: (type) => running().handled(type)
	};
}
