"""An `encoder.safetensors` from `sluice train ssl` read by torchvision: it loads with strict=True into
resnet18 (small-image stem: conv1 -> 3x3 stride 1, maxpool and fc -> Identity) and gives the
features sluice computed for the same pixels.

usage: check_ssl_encoder.py ENCODER PIXELS.u8 N SIDE FEATURES.f32
"""
import sys

import numpy as np
import torch
import torchvision
from safetensors.torch import load_file

enc, pixels, n, side, feats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
torch.set_num_threads(2)
m = torchvision.models.resnet18()
m.conv1 = torch.nn.Conv2d(3, 64, 3, 1, 1, bias=False)
m.maxpool = torch.nn.Identity()
m.fc = torch.nn.Identity()
state = load_file(enc)
m.load_state_dict(state, strict=True)
m.eval()
assert int(state["bn1.num_batches_tracked"]) >= 1, "num_batches_tracked"

x = np.fromfile(pixels, dtype=np.uint8).reshape(n, side, side, 3)
x = torch.from_numpy(x).permute(0, 3, 1, 2).float() / 255.0
mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
with torch.no_grad():
    got = m((x - mean) / std).numpy()
want = np.fromfile(feats, dtype=np.float32).reshape(n, -1)
assert got.shape == want.shape, (got.shape, want.shape)
err = np.abs(got - want).max() / max(np.abs(want).max(), 1e-6)
assert err < 1e-4, f"features differ: max relative error {err}"
print(f"ok: strict load into torchvision resnet18, {n} images, features {got.shape[1]}-d, max rel err {err:.2e}")
