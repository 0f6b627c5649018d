MODE = "ok"
# --OPTION--
class Net:
    parameters = 123
