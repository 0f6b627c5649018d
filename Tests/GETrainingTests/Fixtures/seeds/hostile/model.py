import json
ATTACKS = json.loads("{}")
# --OPTION--
class Net:
    parameters = 77
