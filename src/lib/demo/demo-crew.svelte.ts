/** Starts and stops the demo crew, which runs in a worker with its own connection to the bus. */
import type { CrewCommand, CrewEvent } from './demo-crew.worker';
import { signInOf } from '$lib/connection';
import type { BusConnection } from '$lib/connection/ui';

export class DemoCrewControl {
	state = $state<'stopped' | 'starting' | 'running' | 'stopping'>('stopped');
	members = $state.raw<Array<{ id: string; name: string }>>([]);
	error = $state<string | null>(null);

	#bus: BusConnection;
	#worker: Worker | null = null;

	constructor(bus: BusConnection) {
		this.#bus = bus;
	}

	start(): void {
		if (this.#worker) return;
		this.error = null;
		this.state = 'starting';
		const worker = new Worker(new URL('./demo-crew.worker.ts', import.meta.url), { type: 'module' });
		this.#worker = worker;
		worker.onmessage = (event: MessageEvent<CrewEvent>) => this.#handle(event.data);
		worker.onerror = (event) => {
			this.#handle({ type: 'error', message: event.message || 'the demo crew’s worker failed to load' });
		};
		// The person's own sign-in, whatever kind: the crew joins wherever the person could.
		const details = this.#bus.joinDetails;
		worker.postMessage({
			type: 'start',
			servers: details.servers,
			signIn: signInOf(details)
		} satisfies CrewCommand);
	}

	/** Asks the crew to leave the bus properly; the worker ends once they have. */
	stop(): void {
		if (!this.#worker) return;
		this.state = 'stopping';
		this.#worker.postMessage({ type: 'stop' } satisfies CrewCommand);
	}

	/** Ends the worker at once (the page is going away). */
	dispose(): void {
		this.#worker?.terminate();
		this.#worker = null;
		this.state = 'stopped';
		this.members = [];
	}

	#handle(event: CrewEvent) {
		switch (event.type) {
			case 'started':
				this.state = 'running';
				this.members = event.members;
				break;
			case 'stopped':
				this.dispose();
				break;
			case 'error':
				this.dispose();
				this.error = `The demo crew could not run: ${event.message}`;
				break;
		}
	}
}
