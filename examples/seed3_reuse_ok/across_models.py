"""One Conv2D instance used by two Sequential models (seed: reusing TensorFlow 2 layers).

Both models hold the same 320 conv weights (training one changes the other):
model1 = 320 + Dense(10) on 13*13*32 = 54,410; model2 = 320 + Dense(100) = 541,220.
"""
import keras

my_conv_layer = keras.layers.Conv2D(32, (3, 3), activation="relu")

model1 = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    my_conv_layer,
    keras.layers.MaxPooling2D((2, 2)),
    keras.layers.Flatten(),
    keras.layers.Dense(10, activation="softmax"),
])

model2 = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    my_conv_layer,  # the same layer object as in model1
    keras.layers.MaxPooling2D((2, 2)),
    keras.layers.Flatten(),
    keras.layers.Dense(100, activation="softmax"),
])


if __name__ == "__main__":
    model1.summary()
    model2.summary()
