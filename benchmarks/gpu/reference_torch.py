"""PyTorch peer of ntk4j's GPU benchmark (same math on the same GPU; torch.linalg.cholesky uses
cuSOLVER). Usage: python3 reference_torch.py N D M REPS. See peers.py for what is timed."""
import sys

import peers

if __name__ == '__main__':
    peers.run_torch(*map(int, sys.argv[1:5]))
