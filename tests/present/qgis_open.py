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
# Class layers carry their classes: a palette with at least one named entry.
empty = [l.name() for l in styled if l.renderer().type() == "paletted"
         and not [c for c in l.renderer().classes() if c.label]]
if empty:
    sys.exit(f"class layers without named classes: {empty}")
# Every layer sits in a group of the layer tree (the model's groups).
root = project.layerTreeRoot()
loose = [n.name() for n in root.children() if n.nodeType() == n.NodeLayer]
if loose:
    sys.exit(f"layers outside every group: {loose}")
groups = [n.name() for n in root.children() if n.nodeType() == n.NodeGroup]
print(f"QGIS {Qgis.version()} opened {len(layers)} styled layers in {len(groups)} groups")
app.exitQgis()
