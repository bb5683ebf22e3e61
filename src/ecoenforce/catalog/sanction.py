"""The catalog's sanctions (罚则) are read with the penalty engine's parser
(ecoenforce.penalty.engine.sanction); re-exported so catalog code keeps one import path."""

from ecoenforce.penalty.engine.sanction import *  # noqa: F403
from ecoenforce.penalty.engine.sanction import __all__  # noqa: F401
