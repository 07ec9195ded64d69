"""Django's JSON serialisation with times to the microsecond, for backups (``commitments.backups``).

Django's own JSON encoder cuts times to the millisecond; a backup restored from it would move
every history entry and timestamp, and change which of two close edits came first. Registered as
the format "exactjson" when a backup is written or restored.
"""

import datetime

from django.core.serializers.json import Deserializer as JSONDeserializer
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

Deserializer = JSONDeserializer


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder
