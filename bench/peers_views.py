"""Multi-view peers on the same photos: SimCLR recipe, K views per image at 224 px, one process.

usage: peers_views.py PEER IMAGE_DIR K [REPEAT]
PEER: torchvision (v2 transforms on PIL images, antialiased resize),
      albumentations (AlbumentationsX, OpenCV decode, bilinear resize without antialias),
      albumentations-area (the same, INTER_AREA when downscaling: antialiased).
Each image is decoded once, then K views are made as uint8 HWC/CHW arrays (nothing written).
Prints `peer=... images=... views=... secs=... views_per_s=...`.
"""
import os
import sys
import time

peer, image_dir, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
repeat = int(sys.argv[4]) if len(sys.argv) > 4 else 1
paths = sorted(os.path.join(r, f) for r, _, fs in os.walk(image_dir) for f in fs
               if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp")))

if peer == "torchvision":
    import torch
    from PIL import Image
    from torchvision.transforms import v2 as T

    torch.set_num_threads(1)
    aug = T.Compose([
        T.RandomResizedCrop(224, scale=(0.08, 1.0), antialias=True),
        T.RandomHorizontalFlip(),
        T.RandomApply([T.ColorJitter(0.8, 0.8, 0.8, 0.2)], p=0.8),
        T.RandomGrayscale(p=0.2),
        T.RandomApply([T.GaussianBlur(23, sigma=(0.1, 2.0))], p=0.5),
        T.PILToTensor(),
    ])

    def decode(p):
        return Image.open(p).convert("RGB")
else:
    import albumentations as A
    import cv2

    cv2.setNumThreads(1)
    area = {"area_for_downscale": "image"} if peer == "albumentations-area" else {}
    aug = A.Compose([
        A.RandomResizedCrop(size=(224, 224), scale=(0.08, 1.0), **area),
        A.HorizontalFlip(p=0.5),
        # AlbumentationsX 2.5 takes ranges: SimCLR's (0.8, 0.8, 0.8, 0.2) jitter strengths.
        A.ColorJitter(brightness_range=(0.2, 1.8), contrast_range=(0.2, 1.8), saturation_range=(0.2, 1.8),
                      hue_range=(-0.2, 0.2), p=0.8),
        A.ToGray(p=0.2),
        A.GaussianBlur(blur_range=(23, 23), sigma_range=(0.1, 2.0), p=0.5),
    ])

    def decode(p):
        return cv2.cvtColor(cv2.imread(p, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)

    def apply(img):
        return aug(image=img)["image"]

start = time.perf_counter()
views = 0
for _ in range(repeat):
    for p in paths:
        img = decode(p)
        for _ in range(k):
            v = aug(img) if peer == "torchvision" else apply(img)
            views += 1
secs = time.perf_counter() - start
print(f"peer={peer} images={len(paths) * repeat} views={views} secs={secs:.2f} views_per_s={views / secs:.1f}")
