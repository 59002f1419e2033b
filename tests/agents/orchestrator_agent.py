"""
An agent of the Agentic SDLC orchestrator, for Switchboard's conformance tests.

The bus below speaks the orchestrator's envelope exactly as its NatsBus does (seed A,
src/coordination/nats_bus.py, and ../shared/wire-contracts.md): all six keys, timestamps from
datetime.utcnow().isoformat(), correlation ids "{from_agent}-{time.time()}", request() with a
5 s default timeout, subscribe_to_agent_messages on orchestrator.agent.{id}.> . It uses the
official Python client (nats-py), installed by .ci/run into a virtual environment.

The test drives it line by line: each line on stdin is a JSON command, each line on stdout a JSON
event. Commands:
  {"do": "subscribe"}                               subscribe_to_agent_messages(agent_id, handler)
  {"do": "request", "type": ..., "to": ..., "content": {...}, "timeout": 5.0}
  {"do": "send", "type": ..., "to": ..., "content": {...}}
  {"do": "broadcast", "type": ..., "content": {...}}
  {"do": "obey"}                                    from now on, obey steering (see OBEYED)
  {"do": "quit"}
Events: {"event": "ready"}, {"event": "handled", "message": {...}} for every message the handler
receives, {"event": "reply", "message": {...}} or {"event": "timeout"} for a request, and
{"event": "sent", "correlation_id": ...}.
"""

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Awaitable, Callable, Optional

import nats
from nats.errors import TimeoutError as NatsTimeoutError

MESSAGE_TYPES = {
    "status_update", "task_assignment", "task_complete", "task_failed", "question", "answer",
    "blocker", "resource_request", "resource_response", "coordination_request", "heartbeat",
    "task_assigned", "stop_task", "update_goal", "pause_agent", "resume_agent", "ping", "pong",
}


@dataclass
class AgentMessage:
    from_agent: str
    to_agent: Optional[str]
    message_type: str
    content: dict
    timestamp: str
    correlation_id: Optional[str] = None

    def to_json(self) -> str:
        return json.dumps({
            "from_agent": self.from_agent,
            "to_agent": self.to_agent,
            "message_type": self.message_type,
            "content": self.content,
            "timestamp": self.timestamp,
            "correlation_id": self.correlation_id,
        })

    @classmethod
    def from_json(cls, data: str) -> "AgentMessage":
        # As the receiver does: these keys are required, and an unknown type is dropped.
        obj = json.loads(data)
        if obj["message_type"] not in MESSAGE_TYPES:
            raise ValueError(f"unknown message type {obj['message_type']}")
        datetime.fromisoformat(obj["timestamp"])  # Python 3.11 reads what the bus writes
        return cls(
            from_agent=obj["from_agent"],
            to_agent=obj.get("to_agent"),
            message_type=obj["message_type"],
            content=obj["content"],
            timestamp=obj["timestamp"],
            correlation_id=obj.get("correlation_id"),
        )


# What an obedient orchestrator agent broadcasts (status_update) once it has done what it was told.
OBEYED = {
    "pause_agent": lambda c: {"status": "paused"},
    "resume_agent": lambda c: {"status": "in_progress"},
    "stop_task": lambda c: {"status": "stop_command", "work_stream_id": c.get("work_stream_id")},
    "update_goal": lambda c: {"status": "update_goal", "goal": c.get("goal")},
}


def now() -> str:
    return datetime.utcnow().isoformat()


class NatsBus:
    """The orchestrator's bus: the calls its agents make, with the seed's subjects and defaults."""

    def __init__(self, servers: str):
        self.servers = servers
        self.nc = None

    async def connect(self):
        self.nc = await nats.connect(self.servers)

    async def broadcast(self, from_agent: str, message_type: str, content: dict):
        message = AgentMessage(from_agent, None, message_type, content, now())
        await self.nc.publish(f"orchestrator.broadcast.{message_type}", message.to_json().encode())

    async def send_to_agent(self, from_agent: str, to_agent: str, message_type: str, content: dict):
        message = AgentMessage(from_agent, to_agent, message_type, content, now())
        await self.nc.publish(f"orchestrator.agent.{to_agent}.{message_type}", message.to_json().encode())

    async def request(self, from_agent: str, to_agent: str, message_type: str, content: dict,
                      timeout: float = 5.0) -> Optional[AgentMessage]:
        message = AgentMessage(from_agent, to_agent, message_type, content, now(),
                               correlation_id=f"{from_agent}-{time.time()}")
        response = await self.nc.request(f"orchestrator.agent.{to_agent}.{message_type}",
                                         message.to_json().encode(), timeout=timeout)
        return AgentMessage.from_json(response.data.decode())

    async def subscribe_to_agent_messages(self, agent_id: str,
                                          callback: Callable[[AgentMessage], Awaitable[None]]):
        async def handler(msg):
            try:
                await callback(AgentMessage.from_json(msg.data.decode()))
            except (KeyError, ValueError):
                pass  # the receiver drops what it cannot read

        await self.nc.subscribe(f"orchestrator.agent.{agent_id}.>", cb=handler)

    async def close(self):
        await self.nc.drain()


def emit(event: dict):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def as_dict(message: AgentMessage) -> dict[str, Any]:
    return json.loads(message.to_json())


async def main(servers: str, agent_id: str):
    bus = NatsBus(servers)
    await bus.connect()

    obeying = False

    async def handle(message: AgentMessage):
        emit({"event": "handled", "message": as_dict(message)})
        if obeying and message.message_type in OBEYED:
            await bus.broadcast(agent_id, "status_update", OBEYED[message.message_type](message.content))
            emit({"event": "obeyed", "message": as_dict(message)})

    async def run_request(command: dict):
        try:
            reply = await bus.request(agent_id, command["to"], command["type"], command["content"],
                                      **({"timeout": command["timeout"]} if "timeout" in command else {}))
            emit({"event": "reply", "message": as_dict(reply)})
        except NatsTimeoutError:
            emit({"event": "timeout"})

    emit({"event": "ready"})
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    tasks = []
    while line := await reader.readline():
        command = json.loads(line)
        if command["do"] == "quit":
            break
        if command["do"] == "subscribe":
            await bus.subscribe_to_agent_messages(agent_id, handle)
            await bus.nc.flush()
            emit({"event": "subscribed"})
        elif command["do"] == "obey":
            obeying = True
        elif command["do"] == "request":
            tasks.append(asyncio.create_task(run_request(command)))
        elif command["do"] == "send":
            await bus.send_to_agent(agent_id, command["to"], command["type"], command["content"])
            emit({"event": "sent"})
        elif command["do"] == "broadcast":
            await bus.broadcast(agent_id, command["type"], command["content"])
            emit({"event": "sent"})
    for task in tasks:
        task.cancel()
    await bus.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
