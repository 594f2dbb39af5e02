"""The course's fixed vocabulary: the same symbol and the same code name in every notebook.

=====================  =========================  =============================================
Maths                  Code                       Meaning
=====================  =========================  =============================================
P_data, p_data         ``p_data``, ``x_real``     data distribution / its density / real samples
P_G, p_g               ``p_g``, ``x_fake``        generator distribution / density / samples
z ~ p_z = N(0, I)      ``z``, ``latent_dim``      latent noise and its dimension
G(z; theta_g)          ``G``                      generator network
D(x; theta_d)          ``D``                      discriminator (outputs a logit; D = sigmoid)
f                      ``critic``                 WGAN critic (a real-valued score, no sigmoid)
D*                     ``optimal_discriminator``  p_data / (p_data + p_g)
V(G, D)                ``value_function``         the GAN game's value
C(G)                   ``generator_criterion``    max_D V(G, D) = -log 4 + 2 JS
KL, JSD, W1            ``kl``, ``js``, ``emd``    divergences and distances, in nats
gamma                  ``plan``                   transport plan (rows sum to P, columns to Q)
m                      ``batch_size``             minibatch size
k                      ``k_steps``                discriminator steps per generator step
eta_D, eta_G           ``lr_d``, ``lr_g``         learning rates
y                      ``y``                      condition (a label) in conditional GANs
=====================  =========================  =============================================

Shapes: samples are ``(n, dim)``; a 1-D data set has ``dim == 1``. Densities and divergences
are NumPy float64; samples and models are torch float32.
"""
