/**
 * Errors in words, told apart by the NATS client's error classes and JetStream's API error codes,
 * never by matching text: one `describeError` for the page, the worker, the SDK and the CLI.
 */
import { errors } from '@nats-io/nats-core';

/** The JetStream API's refusal, read without loading the JetStream client (it loads on demand). */
export interface JetStreamRefusal {
	/** nats-server's error code (errors.json), e.g. 10071 "wrong last sequence". */
	code: number;
	description: string;
}

/** The JetStream API refusal inside `error` (a JetStreamApiError, or one it caused), or null. */
export function jetStreamRefusal(error: unknown): JetStreamRefusal | null {
	for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
		const api = (e as { apiError?: () => { err_code?: number; description?: string } }).apiError;
		if (typeof api === 'function') {
			const { err_code, description } = api.call(e);
			return { code: err_code ?? 0, description: description ?? e.message };
		}
	}
	return null;
}

/** A request that got no reply in time. */
export function isTimeout(error: unknown): boolean {
	return (
		error instanceof errors.TimeoutError ||
		(error instanceof errors.RequestError && error.cause instanceof errors.TimeoutError)
	);
}

/** A request nobody is subscribed to answer (the server said "no responders"). */
export function isNoResponders(error: unknown): boolean {
	return (
		error instanceof errors.NoRespondersError ||
		(error instanceof errors.RequestError && error.isNoResponders())
	);
}

/** The server refused the sign-in, or it expired. */
export function isSignInRefused(error: unknown): boolean {
	return error instanceof errors.AuthorizationError || error instanceof errors.UserAuthenticationExpiredError;
}

/** What went wrong, in one plain clause (no trailing full stop), for a sentence that says what to do. */
export function describeError(error: unknown): string {
	// A failed request wraps what happened (no responders, a permission refused) as its cause.
	if (error instanceof errors.RequestError && error.cause instanceof Error && !isNoResponders(error)) {
		return describeError(error.cause);
	}
	if (isTimeout(error)) return 'no reply came in time';
	if (isNoResponders(error)) return 'nobody on the bus answers that subject (no responders)';
	if (error instanceof errors.PermissionViolationError) {
		const what = error.operation === 'publish' ? 'send on' : 'listen on';
		return `the server does not allow this login to ${what} ${error.subject}`;
	}
	if (error instanceof errors.AuthorizationError) return 'the server refused the sign-in';
	if (error instanceof errors.UserAuthenticationExpiredError) return 'the sign-in has expired';
	if (error instanceof errors.ClosedConnectionError) return 'the connection to the server is closed';
	if (error instanceof errors.DrainingConnectionError) return 'the connection to the server is closing';
	const refusal = jetStreamRefusal(error);
	if (refusal) return `JetStream refused it: ${refusal.description} (error ${refusal.code})`;
	if (error instanceof Error) return error.message.replace(/\.$/u, '');
	return String(error);
}
