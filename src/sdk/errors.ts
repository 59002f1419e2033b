/** Errors an agent can act on, each with what failed and what to do in its message. */
import type { AskResult } from './ask';

export class SwitchboardError extends Error {
	override name = 'SwitchboardError';
}

/** The server could not be reached, or refused the credentials. */
export class ConnectError extends SwitchboardError {
	override name = 'ConnectError';
}

/** Nobody answered in time. The question stays in the humans' inbox; ask again with the same `id` to keep waiting. */
export class AskTimeoutError extends SwitchboardError {
	override name = 'AskTimeoutError';
	constructor(
		readonly questionId: string,
		timeoutMs: number
	) {
		super(
			`No human answered within ${Math.round(timeoutMs / 1000)} s. The question stays in the inbox; ask again with id "${questionId}" to keep waiting for it.`
		);
	}
}

/** A human declined the question or rejected the blocker. */
export class AnswerRejectedError extends SwitchboardError {
	override name = 'AnswerRejectedError';
	constructor(readonly result: AskResult) {
		super(`${result.by.name} declined: ${result.answer}`);
	}
}

/** `requireHuman` was set and no person is on the bus. */
export class NoHumanOnlineError extends SwitchboardError {
	override name = 'NoHumanOnlineError';
	constructor() {
		super(
			'No human is online on the bus, so the question was not asked. Open Switchboard in a browser and join, or ask without requiring a human to leave the question in the inbox.'
		);
	}
}

/** The question is bigger than the inbox keeps; nothing was asked. */
export class QuestionTooLargeError extends SwitchboardError {
	override name = 'QuestionTooLargeError';
	constructor(size: number, limit: number) {
		super(
			`The question is ${Math.ceil(size / 1024)} KiB and the inbox keeps questions up to ${limit / 1024} KiB, so it was not asked. Shorten the question or its context (put long material somewhere people can open, and link to it).`
		);
	}
}

/** A reply arrived that is not what the protocol says it must be. */
export class InvalidReplyError extends SwitchboardError {
	override name = 'InvalidReplyError';
}

/** A request got no reply in time. */
export class RequestTimeoutError extends SwitchboardError {
	override name = 'RequestTimeoutError';
}

/** A request went to a subject nobody listens on: the agent is not on the bus (the server said "no responders"). */
export class AgentUnreachableError extends SwitchboardError {
	override name = 'AgentUnreachableError';
}
