//! The picture of the cells narrower than a couple of pixels
//! ([`skyhex_core::map::cell_pixels`]) on the GPU: one texture of colour classes over the
//! whole view, coloured by the palette as it is drawn.

use skyhex_core::map::cell_pixels::ClassImage;
use web_sys::{WebGl2RenderingContext as Gl, WebGlProgram, WebGlTexture, WebGlUniformLocation};

use super::webgl::{link_program, set_sampling};

const VERTEX_SHADER: &str = r"#version 300 es
out vec2 v_uv;
void main() {
    // A quad over the whole view from four vertex ids, without buffers.
    vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
    gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
    // The picture's first row is the top of the view.
    v_uv = vec2(corner.x, 1.0 - corner.y);
}
";

const FRAGMENT_SHADER: &str = r"#version 300 es
precision mediump float;
precision mediump usampler2D;
const int CLASSES = 8;
uniform vec4 u_palette[CLASSES];
uniform usampler2D u_classes;
in vec2 v_uv;
out vec4 colour;
void main() {
    // 0: no cell here; else 1 + the class.
    int class_plus_one = int(texture(u_classes, v_uv).r);
    if (class_plus_one == 0) discard;
    colour = u_palette[clamp(class_plus_one - 1, 0, CLASSES - 1)];
}
";

#[derive(Debug)]
pub struct GpuCellPixels {
    gl: Gl,
    program: WebGlProgram,
    texture: WebGlTexture,
    palette: Option<WebGlUniformLocation>,
}

impl GpuCellPixels {
    pub fn new(gl: &Gl) -> Result<Self, String> {
        let program = link_program(gl, VERTEX_SHADER, FRAGMENT_SHADER)?;
        let texture = gl.create_texture().ok_or("WebGL made no texture")?;
        gl.bind_texture(Gl::TEXTURE_2D, Some(&texture));
        // Integer textures are read pixel for pixel: no filtering.
        set_sampling(gl, Gl::NEAREST);
        gl.bind_texture(Gl::TEXTURE_2D, None);
        let palette = gl.get_uniform_location(&program, "u_palette");
        Ok(Self { gl: gl.clone(), program, texture, palette })
    }

    /// Draws `image` over the view in the colours of `palette` (RGBA of each class, 0 to 1);
    /// the view's size in device pixels is the image's.
    pub fn draw(&self, image: &ClassImage, palette: &[f32]) {
        let gl = &self.gl;
        let (Ok(width), Ok(height)) = (i32::try_from(image.width_px), i32::try_from(image.height_px)) else {
            return;
        };
        gl.use_program(Some(&self.program));
        gl.uniform4fv_with_f32_array(self.palette.as_ref(), palette);
        gl.active_texture(Gl::TEXTURE0);
        gl.bind_texture(Gl::TEXTURE_2D, Some(&self.texture));
        // Rows of any width, one byte a pixel.
        gl.pixel_storei(Gl::UNPACK_ALIGNMENT, 1);
        let uploaded = gl.tex_image_2d_with_i32_and_i32_and_i32_and_format_and_type_and_opt_u8_array(
            Gl::TEXTURE_2D,
            0,
            Gl::R8UI as i32,
            width,
            height,
            0,
            Gl::RED_INTEGER,
            Gl::UNSIGNED_BYTE,
            Some(&image.classes),
        );
        if uploaded.is_ok() {
            gl.bind_vertex_array(None);
            gl.draw_arrays(Gl::TRIANGLE_STRIP, 0, 4);
        }
        gl.bind_texture(Gl::TEXTURE_2D, None);
    }
}

impl Drop for GpuCellPixels {
    fn drop(&mut self) {
        self.gl.delete_texture(Some(&self.texture));
        self.gl.delete_program(Some(&self.program));
    }
}
