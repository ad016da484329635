# Opens a casco QGIS project with PyQGIS (Debian python3-qgis) and checks that every layer loads.
# Usage: python3 qgis_open.py PROJECT.qgz EXPECTED_LAYERS
import sys

from qgis.core import Qgis, QgsApplication, QgsProject

QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
if not project.read(sys.argv[1]):
    sys.exit(f"QGIS cannot read {sys.argv[1]}")
layers = list(project.mapLayers().values())
bad = [l.name() for l in layers if not l.isValid()]
if bad:
    sys.exit(f"layers QGIS cannot load: {bad}")
if len(layers) != int(sys.argv[2]):
    sys.exit(f"{len(layers)} layers, expected {sys.argv[2]}")
styled = [l for l in layers if l.renderer() is not None and l.renderer().type() in
          ("paletted", "singlebandpseudocolor")]
if len(styled) != len(layers):
    sys.exit(f"only {len(styled)} of {len(layers)} layers carry casco's style")
print(f"QGIS {Qgis.version()} opened {len(layers)} styled layers")
app.exitQgis()
