/** The compose form's state: a draft, and what happened to the last send (or the reply to a request). */
import { describeError, isTimeout } from '$lib/connection';
import { decodeEnvelope } from '$lib/protocol';
import { buildOutgoing, type Draft } from './compose';
import type { BusConnection } from '$lib/connection/ui';

export type SendResult = { tone: 'ok'; text: string; reply?: string } | { tone: 'error'; text: string };

export class Composer {
	draft = $state<Draft>({
		dialect: 'seed',
		voltaType: 'text',
		mode: 'broadcast',
		type: 'status_update',
		target: '',
		content: '{\n  "status": "in_progress"\n}'
	});
	timeoutMs = $state(5_000);
	sending = $state(false);
	result = $state.raw<SendResult | null>(null);

	#bus: BusConnection;

	constructor(bus: BusConnection) {
		this.#bus = bus;
	}

	async send(from: string): Promise<void> {
		const out = buildOutgoing(this.draft, from, this.#bus.server?.maxPayload ?? 1_048_576);
		if (!out.ok) {
			this.result = { tone: 'error', text: out.error };
			return;
		}
		this.sending = true;
		try {
			if (this.draft.mode !== 'request' || this.draft.dialect === 'volta') {
				this.#bus.publish(out.subject, out.bytes);
				await this.#bus.flush();
				this.result = { tone: 'ok', text: `Sent on ${out.subject}.` };
				return;
			}
			const reply = await this.#bus.request(out.subject, out.bytes, this.timeoutMs);
			const decoded = decodeEnvelope(reply.data);
			this.result = decoded.ok
				? {
						tone: 'ok',
						text: `${decoded.envelope.from_agent} replied with ${decoded.envelope.message_type}:`,
						reply: JSON.stringify(decoded.envelope, null, 2)
					}
				: {
						tone: 'ok',
						text: `A reply came, but it is not a seed envelope (${decoded.reason}):`,
						reply: new TextDecoder().decode(reply.data)
					};
		} catch (error) {
			this.result = {
				tone: 'error',
				text:
					// This console watches orchestrator.>, so the server never reports "no responders": silence is a timeout.
					isTimeout(error)
						? `No reply within ${this.timeoutMs / 1000} s from ${this.draft.target}: check that it is on the bus (the Agents list) and answers ${this.draft.type} requests.`
						: `Sending failed: ${describeError(error)}. Nothing else was sent; check the connection and try again.`
			};
		} finally {
			this.sending = false;
		}
	}
}
