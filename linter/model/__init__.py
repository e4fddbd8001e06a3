"""The semantic model: what the rules (and fixers) ask of the project, answered once.

Built from every file's facts, in layers; each asks only the layers below it:

- ``resolution``: modules, classes and their MRO, module-level bindings, and which project
  function a name, a call or a registration refers to;
- ``callgraph``: who calls whom, and what is started on a thread, executor, task or process;
- ``callbacks``: which functions litellm calls back, and the storage they write;
- ``network``: which calls reach network I/O or a litellm model call, and through what;
- ``locks``: which lock a ``with`` region holds, and the network calls made under it;
- ``context``: where a function runs (test code, set-up scope, one-time start-up, a litellm
  callback, a process-pool task, a process-local worker, else request time), decided once for
  every rule (its module docstring states the policy), and the evidence that it runs
  concurrently, which grades a finding;
- ``config_values``: where a written client-config value comes from, and whether it can
  differ between requests (request data, or two different fixed values of one setting).

``linter.project.ProjectIndex`` is the one object that composes them.
"""
