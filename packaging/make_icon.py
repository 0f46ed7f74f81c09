"""Draw the app icon (a score bar over a threshold line) as PNG and ICO into resources/icons/."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def draw(size: int = 256) -> Image.Image:
    """The icon at ``size`` pixels."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    unit = size / 16
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=3 * unit, fill=(31, 111, 178, 255))
    bars = [(3, 9), (6, 6), (9, 4), (12, 7)]
    for x, top in bars:
        colour = (232, 162, 154, 255) if top <= 6 else (169, 200, 232, 255)
        pen.rounded_rectangle((x * unit, top * unit, (x + 2) * unit, 13 * unit), radius=unit / 2, fill=colour)
    pen.line((2 * unit, 6.5 * unit, 14 * unit, 6.5 * unit), fill=(255, 255, 255, 255), width=max(1, int(unit / 2)))
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    icon = draw()
    icon.save(ICONS / "scoredesk.png")
    icon.save(ICONS / "scoredesk.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])


if __name__ == "__main__":
    main()
