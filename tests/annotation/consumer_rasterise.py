"""Rasterises samdesk's LabelMe and YOLO exports the way their consumers do, for tst_exportconsumers.

Run with Debian's /usr/bin/python3 (python3-numpy, python3-pil, python3-opencv). The argument
is a jobs file, one job per line, fields separated by tabs:

  labelme <file.json> <out folder>    one PNG per object: <out folder>/<group_id>.png, or
                                      shape<n>.png for the n-th shape (from 1) without one
  yolo <labels.txt> <width> <height> <out.png>    all lines of the file united

LabelMe as labelme's shapes_to_label does it: shapes sharing a group_id form one object (samdesk
writes the object id there; the test files use one label per group);
a polygon is PIL's ImageDraw.polygon(points, outline=1, fill=1) on the points as written (PIL
turns them into integers itself), a rectangle and a circle PIL's rectangle and ellipse, as
shape_to_mask draws them; a mask shape is its PNG pasted at points[0] .. points[1] (both
corners inclusive, the points cast to int). Other shape types have no area and are ignored.

YOLO as ultralytics' polygon2mask does it at downsample ratio 1: normalised vertices times the
image size, cast to int32 (truncation), then cv2.fillPoly(mask, [polygon], color=1). A line with
fewer than 3 points is an error: ultralytics would read it as a box.

Masks are written as 8-bit PNG, 0 or 255. Any failure exits non-zero with a message on stderr.
"""

import base64
import io
import json
import math
import os
import sys

import cv2
import numpy as np
import PIL.Image
import PIL.ImageDraw


def labelme_object_masks(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    height, width = doc["imageHeight"], doc["imageWidth"]
    objects = {}
    for index, shape in enumerate(doc["shapes"], 1):
        # labelme gives a shape without a group_id an instance of its own.
        key = shape.get("group_id")
        if key is None:
            key = f"shape{index}"
        mask = objects.setdefault(key, np.zeros((height, width), dtype=bool))
        points = shape["points"]
        shape_type = shape.get("shape_type", "polygon")
        if shape_type == "mask":
            region = np.array(PIL.Image.open(io.BytesIO(base64.b64decode(shape["mask"]))))
            (x1, y1), (x2, y2) = np.asarray(points).astype(int)
            part = np.zeros((height, width), dtype=bool)
            part[y1 : y2 + 1, x1 : x2 + 1] = region
            mask |= part
        elif shape_type in ("polygon", "rectangle", "circle"):
            mask |= shape_to_mask(path, (height, width), points, shape_type)
        # Other shape types have no area (labelme draws them as thick lines or dots).
    return objects


def shape_to_mask(path, size, points, shape_type):
    image = PIL.Image.fromarray(np.zeros(size, dtype=np.uint8))
    draw = PIL.ImageDraw.Draw(image)
    xy = [tuple(p) for p in points]
    if shape_type == "circle":
        (cx, cy), (px, py) = xy
        d = math.sqrt((cx - px) ** 2 + (cy - py) ** 2)
        draw.ellipse([cx - d, cy - d, cx + d, cy + d], outline=1, fill=1)
    elif shape_type == "rectangle":
        draw.rectangle(xy, outline=1, fill=1)
    else:
        if len(xy) <= 2:
            raise ValueError(f"{path}: a polygon with {len(xy)} points")
        draw.polygon(xy=xy, outline=1, fill=1)
    return np.array(image, dtype=bool)


def yolo_mask(path, width, height):
    mask = np.zeros((height, width), dtype=np.uint8)
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            values = line.split()
            if not values:
                continue
            if len(values) <= 6:
                raise ValueError(f"{path}:{number}: {len(values)} values, read as a box")
            xy = np.array(values[1:], dtype=np.float32).reshape(-1, 2)
            polygon = np.asarray(xy * np.array([width, height]), dtype=np.int32)
            part = np.zeros((height, width), dtype=np.uint8)
            cv2.fillPoly(part, [polygon.reshape(-1, 2)], color=1)
            mask |= part
    return mask.astype(bool)


def write_mask(path, mask):
    PIL.Image.fromarray(np.where(mask, 255, 0).astype(np.uint8)).save(path)


def main():
    with open(sys.argv[1], encoding="utf-8") as jobs:
        for job in jobs:
            fields = job.rstrip("\n").split("\t")
            if fields[0] == "labelme":
                os.makedirs(fields[2], exist_ok=True)
                for key, mask in labelme_object_masks(fields[1]).items():
                    write_mask(os.path.join(fields[2], f"{key}.png"), mask)
            elif fields[0] == "yolo":
                write_mask(fields[4], yolo_mask(fields[1], int(fields[2]), int(fields[3])))
            elif fields[0]:
                raise ValueError(f"unknown job {fields[0]}")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # one line for the test's failure message
        print(f"consumer_rasterise.py: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
