"""Layer sizes computed by the module's own functions: loops, lists built in place, recursion,
a function that changes a list it was given, one that returns on a path not known statically."""

import os

import keras
from keras import layers

DEPTH = 3
BASE = [8]


def width(i, base=16):
    return base * 2**i


def widths(n):
    out = []
    for i in range(n):
        out.append(width(i))
    return out


def grow(sizes):
    sizes.append(99)  # changes the caller's list
    return len(sizes)


def factorial(n):
    return 1 if n <= 1 else n * factorial(n - 1)


def pick(default):
    if os.environ.get("KERASLENS_PICK"):  # not set when the truth is made
        return 64
    return default


def first_even(items):
    for item in items:
        if item % 2 == 0:
            return item
    return None


WIDTHS = widths(DEPTH)
SIZES = [w // 2 for w in WIDTHS]
ALIAS = BASE
GROWN = grow(ALIAS)  # BASE is [8, 99] from here on


def model():
    inp = keras.Input((5,))
    x = inp
    for w in widths(DEPTH):
        x = layers.Dense(w)(x)
    x = layers.Dense(width(1, base=3))(x)
    x = layers.Dense(SIZES[-1])(x)
    x = layers.Dense(factorial(4))(x)
    x = layers.Dense(first_even([3, 5, 6, 8]))(x)
    return keras.Model(inp, x)


def tricky():
    inp = keras.Input((5,))
    x = layers.Dense(len(BASE))(inp)
    x = layers.Dense(GROWN)(x)
    x = layers.Dense(pick(4))(x)
    x = layers.Dense(factorial(30) // factorial(29))(x)
    return keras.Model(inp, x)
