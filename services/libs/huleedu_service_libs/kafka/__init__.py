"""Kafka for HuleEdu services: the producer bus, the consumer runner and dead letters."""

from .backoff import Backoff
from .bus import KafkaBus, OutgoingMessage, envelope_headers, envelope_message
from .consumer import ConsumerRunner, MissingTopicsError
from .dead_letter import DeadLetter, DeadLetterReason, DeadLetterSink, KafkaDeadLetterPublisher
from .handling import Handler
from .metrics import ConsumerMetrics, Outcome, consumer_metrics
from .options import ConsumerOptions
from .records import ConsumedRecord

__all__ = [
    "Backoff",
    "ConsumedRecord",
    "ConsumerMetrics",
    "ConsumerOptions",
    "ConsumerRunner",
    "DeadLetter",
    "DeadLetterReason",
    "DeadLetterSink",
    "Handler",
    "KafkaBus",
    "KafkaDeadLetterPublisher",
    "MissingTopicsError",
    "Outcome",
    "OutgoingMessage",
    "consumer_metrics",
    "envelope_headers",
    "envelope_message",
]
