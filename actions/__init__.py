"""Custom actions, one module per concern. Rasa's action server imports this
package (`rasa run actions --actions actions`)."""
