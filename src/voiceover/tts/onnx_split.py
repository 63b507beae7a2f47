"""Split a Piper (VITS) model into its text→latent part and its HiFi-GAN decoder, on the ONNX bytes.

The decoder is where a sentence's memory goes (~19 MB per second of audio on joe; the rest of the
model ~1 MB per second), and its receptive field is finite, so `piper_session` runs it over
overlapping windows of the latent. The split is done on the protobuf wire format of the model
file — a few fields of ModelProto, GraphProto, NodeProto, TensorProto and ValueInfoProto — so it
needs no `onnx` package (34 MB with its dependencies) for a few dozen lines.

The cut is the input of the node ``/dec/conv_pre/Conv`` (what piper's VITS export names the
decoder's first convolution). The decoder part is every node downstream of it; the encoder part is
every other node and outputs the latent, plus whatever else the decoder reads (a speaker
embedding) and the graph outputs that do not come from the decoder (alignments). A model this does
not recognise — another exporter's names, control-flow nodes, sparse initializers, several
decoder outputs — is not split (``split`` returns None) and runs whole, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DECODER_FIRST_NODE = "/dec/conv_pre/Conv"
_SUBGRAPH_OPS = {b"If", b"Loop", b"Scan"}  # their bodies may read outer tensors the split cannot see
_FLOAT = 1  # TensorProto.DataType.FLOAT

# field numbers (onnx.proto3)
_MODEL_GRAPH = 7
_GRAPH_NODE, _GRAPH_NAME, _GRAPH_INIT, _GRAPH_INPUT, _GRAPH_OUTPUT, _GRAPH_SPARSE = 1, 2, 5, 11, 12, 15
_NODE_INPUT, _NODE_OUTPUT, _NODE_NAME, _NODE_OP = 1, 2, 3, 4
_TENSOR_NAME = 8
_VALUE_NAME, _VALUE_TYPE = 1, 2


@dataclass(frozen=True)
class Split:
    """A model in two parts: ``encoder`` (the model's inputs → ``encoder_outputs``) and ``decoder``.

    The parts are lists of pieces (mostly views into the model's bytes, so nothing is copied until
    they are written: ``write``).
    """

    encoder: list = field(repr=False)
    decoder: list = field(repr=False)
    latent: str  # the decoder input with a time axis: the one decoded in windows
    encoder_outputs: tuple[str, ...]  # latent first, then the decoder's other inputs, then the rest
    decoder_inputs: tuple[str, ...]  # latent first
    outputs: tuple[tuple[str, str], ...]  # the whole model's outputs in order: ("encoder"|"decoder", name)


def write(pieces: list, path: Path) -> None:
    """Write a part of a Split as an .onnx file."""
    with open(path, "wb") as f:
        for piece in pieces:
            f.write(piece)


def _varint(buf: memoryview, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, pos
        shift += 7


def _fields(buf: memoryview, *, raw: bool = False):
    """(field number, value) per field of a message: an int, or a memoryview for length-delimited;
    with ``raw``, (field number, value, the field's own bytes)."""
    pos, end = 0, len(buf)
    while pos < end:
        start = pos
        key, pos = _varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = int.from_bytes(buf[pos:pos + 8], "little"), pos + 8
        elif wire == 2:
            size, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + size], pos + size
        elif wire == 5:
            value, pos = int.from_bytes(buf[pos:pos + 4], "little"), pos + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield (field, value, buf[start:pos]) if raw else (field, value)


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _prefix(number: int, size: int) -> bytes:
    """The key and length of a length-delimited field."""
    return _encode_varint(number << 3 | 2) + _encode_varint(size)


def _field(number: int, payload: bytes | memoryview) -> bytes:
    """A small length-delimited field, encoded."""
    return _prefix(number, len(payload)) + bytes(payload)


def _strings(message: memoryview, number: int) -> list[str]:
    return [bytes(v).decode() for f, v in _fields(message) if f == number]


def _value_info(name: str, elem_type: int) -> bytes:
    """ValueInfoProto: a tensor of ``elem_type`` with the shape left to onnxruntime."""
    tensor = bytes([0x08]) + _encode_varint(elem_type)  # TypeProto.Tensor.elem_type
    return _field(_VALUE_NAME, name.encode()) + _field(_VALUE_TYPE, _field(1, tensor))


@dataclass
class _Node:
    raw: memoryview
    name: str
    op: bytes
    inputs: list[str]
    outputs: list[str]


def _node(raw: memoryview) -> _Node:
    node = _Node(raw, "", b"", [], [])
    for number, value in _fields(raw):
        if number == _NODE_INPUT:
            node.inputs.append(bytes(value).decode())
        elif number == _NODE_OUTPUT:
            node.outputs.append(bytes(value).decode())
        elif number == _NODE_NAME:
            node.name = bytes(value).decode()
        elif number == _NODE_OP:
            node.op = bytes(value)
    return node


def split(model: bytes) -> Split | None:
    """The two parts of a Piper VITS model, or None when its graph is not one this recognises."""
    buf = memoryview(model)
    head, graph = [], None
    for number, value, raw in _fields(buf, raw=True):
        if number == _MODEL_GRAPH:
            graph = value
        else:
            head.append(raw)  # ir_version, opset_import, producer...: kept as they are
    if graph is None:
        return None
    nodes, inits, inputs, outputs = [], {}, [], []
    for number, value in _fields(graph):
        if number == _GRAPH_NODE:
            nodes.append(_node(value))
        elif number == _GRAPH_INIT:
            inits[_strings(value, _TENSOR_NAME)[0]] = value
        elif number in (_GRAPH_INPUT, _GRAPH_OUTPUT):
            (inputs if number == _GRAPH_INPUT else outputs).append((_strings(value, _VALUE_NAME)[0], value))
        elif number == _GRAPH_SPARSE:
            return None
    first = next((n for n in nodes if n.name == DECODER_FIRST_NODE), None)
    if first is None or any(n.op in _SUBGRAPH_OPS for n in nodes) or not first.inputs:
        return None
    latent = first.inputs[0]
    # the decoder: every node downstream of the latent (graph order is topological)
    live, decoder_nodes, encoder_nodes = {latent}, [], []
    for n in nodes:
        if any(i in live for i in n.inputs):
            decoder_nodes.append(n)
            live.update(n.outputs)
        else:
            encoder_nodes.append(n)
    made = {o for n in decoder_nodes for o in n.outputs}
    graph_inputs = {name for name, _ in inputs}
    reads = [i for n in decoder_nodes for i in n.inputs if i and i not in made and i not in inits]
    extra = [i for i in dict.fromkeys(reads) if i != latent]
    decoder_outputs = [(name, raw) for name, raw in outputs if name in made]
    if len(decoder_outputs) != 1 or latent in graph_inputs or any(i in graph_inputs for i in extra):
        return None  # the windows stitch one audio output; the decoder must read only what the encoder makes
    encoder_only = [(name, raw) for name, raw in outputs if name not in made]
    encoder_outputs = [latent, *extra, *(name for name, _ in encoder_only)]

    def part(name: str, part_nodes: list[_Node], part_inputs: list, part_outputs: list) -> list:
        used = {i for n in part_nodes for i in n.inputs}
        body = [_field(_GRAPH_NAME, name.encode())]
        for number, raws in ((_GRAPH_NODE, [n.raw for n in part_nodes]),
                             (_GRAPH_INIT, [raw for init, raw in inits.items() if init in used]),
                             (_GRAPH_INPUT, part_inputs), (_GRAPH_OUTPUT, part_outputs)):
            for raw in raws:
                body += [_prefix(number, len(raw)), raw]
        return [*head, _prefix(_MODEL_GRAPH, sum(len(p) for p in body)), *body]

    # every VITS tensor is float32; a model whose latent is not fails to load its parts and runs whole
    cut = [_value_info(name, _FLOAT) for name in (latent, *extra)]
    model_inputs = [raw for name, raw in inputs if name not in inits]  # (IR < 4 lists initializers as inputs)
    encoder = part("piper-encoder", encoder_nodes, model_inputs, [*cut, *(raw for _, raw in encoder_only)])
    decoder = part("piper-decoder", decoder_nodes, cut, [raw for _, raw in decoder_outputs])
    return Split(encoder, decoder, latent, tuple(encoder_outputs), (latent, *extra),
                 tuple(("decoder" if name in made else "encoder", name) for name, _ in outputs))
