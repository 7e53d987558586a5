import gc

from ametigen.cli import main

try:
    main()
finally:
    # The process ends here: set every object aside, so that the collections Python runs as
    # it shuts down do not scan what the command made (~10 ms, 1.7 % of a check after one
    # edit at 10,000 positions). Objects are still freed as their last reference goes.
    gc.freeze()
