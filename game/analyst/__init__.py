"""The analyst: futures of a decision played many times (rollouts), the odds they give, the
decisions that shaped a finished game, and the comparison of a decision's options for authors."""
