MODE = "ok"
# --OPTION--
class Net:
    parameters = 123
    # No effect on the objectives: it gives the offline baseline LLM, which
    # only rescales literals, room for distinct variants once the population
    # has shrunk parameters to 1 (else every child repeats a known one).
    width = 4096
