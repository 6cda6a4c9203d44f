"""A Dense layer shared by two branches of a functional model (seed: reusing TensorFlow 2 layers).

Both branches use the same kernel and bias, counted once: 784*64+64 = 50,240, plus
Dense(10) on the 128 concatenated features = 1,290, total 51,530.
"""
import keras

input_tensor = keras.Input(shape=(784,))
shared_layer = keras.layers.Dense(64, activation="relu")
branch1_output = shared_layer(input_tensor)
branch2_output = shared_layer(input_tensor)  # reuse: same weights
merged_output = keras.layers.concatenate([branch1_output, branch2_output])
output = keras.layers.Dense(10, activation="softmax")(merged_output)
model = keras.Model(inputs=input_tensor, outputs=output)


if __name__ == "__main__":
    model.summary()
