// Ask the humans on the bus and wait for the answer:
//   NATS_URL=nats://127.0.0.1:4222 node examples/ask.mjs "Deploy build 412?"
// A person answers in Switchboard's console in the browser (npm start in the Switchboard repository).
import { AnswerRejectedError, AskTimeoutError, SwitchboardAgent } from 'switchboard-sdk';

const question = process.argv[2] ?? 'Deploy build 412?';
const agent = await SwitchboardAgent.connect({ name: 'Example Agent' });
try {
	const result = await agent.ask(question, { options: ['yes', 'no'], timeoutMs: 10 * 60_000 });
	console.log(`${result.by.name} answered: ${result.answer}`);
} catch (error) {
	if (error instanceof AnswerRejectedError || error instanceof AskTimeoutError) console.error(error.message);
	else throw error;
	process.exitCode = 1;
} finally {
	await agent.close();
}
