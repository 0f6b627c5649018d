MODE = "forge"
# --OPTION--
class Net:
    parameters = 123
